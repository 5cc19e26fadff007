/**
 * Domain events as discriminated unions: `type X = Event<'CertificateIssued', {...}>`.
 * Metadata (occurredAt, actor, ids) travels in the store envelope, not here.
 */
export type Event<Type extends string = string, Data extends Record<string, unknown> = Record<string, unknown>> = {
  readonly type: Type;
  readonly data: Data;
};

/** Everything a command carries besides its payload. Time comes in with the command. */
export interface CommandContext {
  /** Business time of the fact (default: now, decided at the edge). */
  occurredAt: Date;
  /** The wall clock at the edge, to refuse an occurredAt in the future. */
  now: Date;
  /** Token subject of the caller. */
  actor: string | null;
  commandId: string | null;
  correlationId: string | null;
}

/** Throws when a switch over a union missed a case. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
