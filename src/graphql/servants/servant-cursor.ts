/**
 * Edge cursors for the servants connection: the registration position of the
 * edge's servant, sealed with an HMAC over that position and the list's filter.
 * A cursor this server did not hand out for this very list (forged, truncated,
 * re-encoded, from another filter or another server's key) is refused with one
 * code and one message; a client cannot name an offset or a position of its own.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { BadUserInputError } from '../../domain/shared/errors.js';
import type { ServantFilter } from '../../projections/read-model.js';

const POSITION_BYTES = 8;
const MAC_BYTES = 16;
const CURSOR_BYTES = POSITION_BYTES + MAC_BYTES;
/** base64url of CURSOR_BYTES, without padding. */
const CURSOR_LENGTH = Math.ceil((CURSOR_BYTES * 4) / 3);
const MAX_POSITION = 2n ** 64n - 1n;
/** One message for every refused cursor, so a refusal tells nothing about why. */
export const NOT_OURS = 'The cursor is not one this server handed out for this list of servants';
export const notOurs = (field: 'after' | 'before'): BadUserInputError => new BadUserInputError(NOT_OURS, field);

/** The same list, whatever order the client wrote its filter in; a blank name fragment filters nothing. */
const FILTER_FIELDS = ['state', 'municipality', 'department', 'regime', 'unionized', 'certified', 'standardCode', 'nameContains'] as const;
function listOf(filter: ServantFilter): string {
  return JSON.stringify(FILTER_FIELDS.map((field) => (field === 'nameContains' ? filter.nameContains?.trim() || null : (filter[field] ?? null))));
}

/** The key that seals cursors, derived from MASTER_KEY so every API process accepts every other's. */
export const servantCursorKey = (masterKey: Buffer): Buffer => Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita servants cursor', 32));

/** Without a configured key (a lone test server): cursors valid in this process only. */

export class ServantCursors {
  constructor(private readonly key: Buffer) {}

  private mac(list: string, position: Buffer): Buffer {
    return createHmac('sha256', this.key).update('servants\0').update(list).update('\0').update(position).digest().subarray(0, MAC_BYTES);
  }

  encode(filter: ServantFilter, position: bigint): string {
    return this.encoderFor(filter)(position);
  }

  /** `encode` for one list: a page's cursors name the list once, not once per edge. */
  encoderFor(filter: ServantFilter): (position: bigint) => string {
    const list = listOf(filter);
    return (position) => {
      if (position < 0n || position > MAX_POSITION) throw new RangeError(`position ${position} does not fit a cursor`);
      const bytes = Buffer.alloc(POSITION_BYTES);
      bytes.writeBigUInt64BE(position);
      return Buffer.concat([bytes, this.mac(list, bytes)]).toString('base64url');
    };
  }

  /** The position a cursor names, or BAD_USER_INPUT on the argument it came in. */
  decode(filter: ServantFilter, cursor: string, field: 'after' | 'before'): bigint {
    const bytes = cursor.length === CURSOR_LENGTH ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
    // Node's decoder also takes base64's alphabet, padding and stray bits: only the exact text handed out counts.
    if (bytes.length === CURSOR_BYTES && bytes.toString('base64url') === cursor) {
      const position = bytes.subarray(0, POSITION_BYTES);
      if (timingSafeEqual(bytes.subarray(POSITION_BYTES), this.mac(listOf(filter), position))) return position.readBigUInt64BE();
    }
    throw notOurs(field);
  }
}
