/**
 * A separate writer process for the SQLite cross-process test:
 *   node --import tsx sqlite-writer.ts <file> <streamId> <events>
 * Appends <events> numbered events to <streamId> at its exact version, and every
 * fourth batch to the stream all writers share, then prints nothing and exits 0.
 */
import { SqliteEventStore } from '../../../src/eventstore/sqlite.js';
import { numberedEvents } from './events.js';

const [path, streamId, total] = process.argv.slice(2);
const store = new SqliteEventStore(path);
let own = 0;
for (let written = 0, batch = 0; written < Number(total); batch += 1) {
  const events = numberedEvents(Math.min(5, Number(total) - written), own);
  if (batch % 4 === 3) {
    await store.append('process-shared', events);
  } else {
    own = (await store.append(streamId, events, { expectedVersion: own })).nextVersion;
  }
  written += events.length;
}
await store.close();
