import type { ReadDatabase } from '../../projections/projection.js';
import { toNumber } from '../../projections/sql-support.js';
import { STATUS_LIST_SIZE } from '../bitstring.js';
import { CREDENTIAL_STATUS_TABLE } from './tables.js';

export interface StatusEntry {
  list: number;
  /** Bit within the list. */
  index: number;
  revokedAt: string | null;
  /** Global position of the issuance event. */
  issuedPosition: bigint;
}

export async function statusEntryOf(db: ReadDatabase, folio: string): Promise<StatusEntry | null> {
  const row = await db.selectFrom(CREDENTIAL_STATUS_TABLE).selectAll().where('folio', '=', folio).executeTakeFirst();
  if (!row) return null;
  const global = toNumber(row.status_index);
  return { list: Math.floor(global / STATUS_LIST_SIZE), index: global % STATUS_LIST_SIZE, revokedAt: row.revoked_at, issuedPosition: BigInt(String(row.issued_position)) };
}

/** The revoked bits of one list, and whether the list has any entry at all. */
export async function revokedIndexesOf(db: ReadDatabase, list: number): Promise<{ exists: boolean; revoked: number[] }> {
  const from = list * STATUS_LIST_SIZE;
  const inList = db.selectFrom(CREDENTIAL_STATUS_TABLE).where('status_index', '>=', from).where('status_index', '<', from + STATUS_LIST_SIZE);
  const [any, revoked] = await Promise.all([
    inList.select('folio').limit(1).executeTakeFirst(),
    inList.select('status_index').where('revoked_at', 'is not', null).execute(),
  ]);
  return { exists: any !== undefined, revoked: revoked.map((row) => toNumber(row.status_index) - from) };
}
