/** Batch loaders' `where column in (keys)` queries, built by Kysely once per key count. */
import { type Compilable, CompiledQuery } from 'kysely';
import { keptSqlText, type AnyDb } from './sql-support.js';

/** Key counts whose SQL is kept: a page's loaders ask for at most a few hundred keys. */
const KEPT_KEY_COUNTS = 256;

/**
 * Runs `query(keys)`, whose only parameters are the keys in order (a
 * `where column in (keys)`), with its SQL compiled once per name and key count
 * instead of on every call: a page of servants runs several such queries, and
 * Kysely compiling each was about 4 % of the page's server CPU.
 */
export async function selectByKeys<R, K = unknown>(
  db: AnyDb,
  name: string,
  keys: readonly K[],
  query: (keys: readonly K[]) => Compilable<R>,
): Promise<R[]> {
  const text = keptSqlText(db, name, keys.length, keys.length <= KEPT_KEY_COUNTS, () => {
    const compiled = query(keys).compile();
    if (compiled.parameters.length !== keys.length || compiled.parameters.some((p, i) => p !== keys[i])) {
      throw new Error(`${name}: its parameters are not the keys`);
    }
    return compiled;
  });
  return (await db.executeQuery<R>(CompiledQuery.raw(text, [...keys]))).rows;
}
