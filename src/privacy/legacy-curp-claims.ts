/**
 * Databases written before CURP claims moved out of the log hold them as
 * CurpClaimed events in `curp-{hmac}` streams. Those events stay (the log is
 * hash-chained and cannot be rewritten), but they no longer decide anything:
 * once, at start, the claims of servants not erased are copied into the key
 * store, and from then on only the key store's claims count.
 */
import { readAuditLog } from '../eventstore/audit.js';
import type { EventStore, RecordedEvent } from '../eventstore/types.js';
import type { DataKeyStore, LegacyClaim } from './data-key-store.js';

const CURP_STREAM_PREFIX = 'curp-';

/**
 * Copies the old claims into `keys`, in log order, a batch per transaction
 * that also records how far the log was read: a crash resumes where it
 * stopped, a second process running it at the same time changes nothing, and
 * once it reached the end it never reads the log again. Returns the number of
 * old claims read (0 when it had run before).
 */
export async function importLegacyCurpClaims(store: EventStore, keys: DataKeyStore, batchSize = 5_000): Promise<number> {
  const progress = await keys.legacyImportProgress();
  if (progress?.done) return 0;
  let after = progress?.position ?? 0n;
  let read = 0;
  for (;;) {
    const events = await readAuditLog(store, { types: ['CurpClaimed', 'PersonalDataErased'] }, { after, limit: batchSize });
    const done = events.length < batchSize;
    const claims = latestClaims(events);
    read += claims.length;
    const erased = events.filter((event) => event.type === 'PersonalDataErased').map((event) => String(event.data.servantId));
    after = events.at(-1)?.position ?? after;
    await keys.importLegacyClaims({ claims, erased, position: after, done });
    if (done) return read;
  }
}

/** One claim per CURP: a later one in the log took an abandoned claim over. */
function latestClaims(events: readonly RecordedEvent[]): LegacyClaim[] {
  const byDigest = new Map<string, LegacyClaim>();
  for (const event of events) {
    if (event.type !== 'CurpClaimed' || !event.streamId.startsWith(CURP_STREAM_PREFIX)) continue;
    const curpDigest = event.streamId.slice(CURP_STREAM_PREFIX.length);
    byDigest.set(curpDigest, { curpDigest, servantId: String(event.data.servantId), claimedAt: new Date(event.recordedAt) });
  }
  return [...byDigest.values()];
}
