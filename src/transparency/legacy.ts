/**
 * Databases from before the transparency log keep HMAC checkpoints (table
 * log_checkpoints: position, global hash, signed_at, an HMAC keyed from
 * MASTER_KEY) that no outsider can check. Migrating in place: each one whose
 * HMAC is genuine and whose global hash is still the log's at its position (so
 * the log up to there is as it was when it was signed) is signed again as a C2SP
 * checkpoint of the tree at the same point (tree size = events up to that
 * position), once the tree has got there. The rows stay, read-only: `acredita
 * verify` still holds the global chain against them. A row that fails is never
 * re-signed, and is reported.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { EventStore, LogCheckpoint } from '../eventstore/types.js';
import type { TransparencyLog } from './log.js';

const KEY_BYTES = 32;

/** Checks a legacy checkpoint's HMAC with the key the old code derived from MASTER_KEY. */
export function legacyCheckpointIsGenuine(checkpoint: LogCheckpoint, masterKey: Buffer): boolean {
  const key = Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita log checkpoint', KEY_BYTES));
  const expected = createHmac('sha256', key).update(`acredita-checkpoint:v1:${checkpoint.position}:${checkpoint.globalHash}:${checkpoint.signedAt}`).digest();
  const given = Buffer.from(checkpoint.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface LegacyAdoption {
  /** Tree sizes now signed as C2SP checkpoints (or signed before). */
  adopted: number[];
  /** Legacy checkpoints the tree has not reached yet: tried again later. */
  pending: number;
  /** Why each refused one was refused. */
  refused: string[];
}

export async function adoptLegacyCheckpoints(store: EventStore, log: TransparencyLog, masterKey: Buffer): Promise<LegacyAdoption> {
  const result: LegacyAdoption = { adopted: [], pending: 0, refused: [] };
  const legacy = (await store.readCheckpoints?.()) ?? [];
  if (legacy.length === 0) return result;
  const head = await log.treeHead();
  for (const checkpoint of legacy) {
    const what = `The legacy checkpoint of position ${checkpoint.position} signed at ${checkpoint.signedAt}`;
    if (checkpoint.position === 0n) continue;
    if (!legacyCheckpointIsGenuine(checkpoint, masterKey)) {
      result.refused.push(`${what} does not carry a valid HMAC for this MASTER_KEY: forged or altered`);
      continue;
    }
    const [event] = await store.readAll({ after: checkpoint.position - 1n, limit: 1 });
    if (!event || event.position !== checkpoint.position || event.globalHash !== checkpoint.globalHash) {
      result.refused.push(`${what} no longer matches the log's global chain there: the log was rewritten before it`);
      continue;
    }
    const leaf = await log.leafIndexOf(checkpoint.position);
    if (leaf === null || leaf + 1 > head.size) {
      result.pending += 1;
      continue;
    }
    result.adopted.push((await log.signAt(leaf + 1)).size);
  }
  return result;
}
