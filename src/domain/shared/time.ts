/**
 * Time comes in with the command: deciders never read a clock. `occurredAt` is
 * business time (may be years back, e.g. a back-filled 2018 ceremony); `now`
 * is the wall clock read once at the edge, only to refuse facts from the future.
 */

/** A command as deciders see it: its payload plus the two times. */
export type Command<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data;
  readonly occurredAt: Date;
  readonly now: Date;
};

export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * The same instant `years` later, in UTC. 29 February lands on 28 February of a
 * common year (a certificate must not gain a day by rolling into March).
 */
export function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  const month = result.getUTCMonth();
  result.setUTCFullYear(result.getUTCFullYear() + years);
  if (result.getUTCMonth() !== month) result.setUTCDate(0);
  return result;
}

/** Accepts what evolve keeps (ISO strings) and what commands carry (Dates). */
export function toTime(value: Date | string): number {
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}
