/** Cursors of the auditors' log (the log itself is read with readAuditLog, src/eventstore/audit.ts). */
import { BadUserInputError } from '../../domain/shared/errors.js';

const MAX_POSITION = 2n ** 63n - 1n;

/** Cursors are global positions as decimal strings, the same numbers auditors see. */
export function parsePositionCursor(after: string | null | undefined, field: 'after' | 'before' = 'after'): bigint {
  if (after === null || after === undefined) return 0n;
  if (!/^\d{1,30}$/.test(after)) throw new BadUserInputError('The cursor must be a global position (decimal digits)', field);
  const position = BigInt(after);
  // Positions are signed 64-bit in every store; a larger one would fail in the database.
  if (position > MAX_POSITION) throw new BadUserInputError('The cursor is beyond any position the log can hold', field);
  return position;
}
