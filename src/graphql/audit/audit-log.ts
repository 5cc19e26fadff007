/** Cursors of the auditors' log (the log itself is read with readAuditLog, src/eventstore/audit.ts). */
import { BadUserInputError } from '../../domain/shared/errors.js';

/** Cursors are global positions as decimal strings, the same numbers auditors see. */
export function parsePositionCursor(after: string | null | undefined): bigint {
  if (after === null || after === undefined) return 0n;
  if (!/^\d{1,30}$/.test(after)) throw new BadUserInputError('The cursor must be a global position (decimal digits)', 'after');
  return BigInt(after);
}
