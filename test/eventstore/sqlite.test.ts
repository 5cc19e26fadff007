import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { temporarySqliteFile } from '../support/sqlite.js';
import { describeEventStoreContract } from './contract.js';

const PARKED = 2_000_000_000;

describeEventStoreContract('sqlite', async () => {
  const file = await temporarySqliteFile();
  const store = new SqliteEventStore(file.path);
  const run = (sql: string, ...params: unknown[]) => {
    store.database.prepare(sql).run(...params);
  };
  return {
    store,
    tamper: async (streamId, revision, data) =>
      run('update events set data = ? where stream_id = ? and revision = ?', JSON.stringify(data), streamId, revision),
    deleteEvent: async (streamId, revision) => run('delete from events where stream_id = ? and revision = ?', streamId, revision),
    swapRevisions: async (streamId, a, b) =>
      store.database.transaction(() => {
        // One revision is parked on a free number first: (stream_id, revision) is unique.
        for (const [from, to] of [[a, PARKED], [b, a], [PARKED, b]]) {
          run('update events set revision = ? where stream_id = ? and revision = ?', to, streamId, from);
        }
      })(),
    openAnother: async () => new SqliteEventStore(file.path),
    close: async () => {
      await store.close();
      await file.remove();
    },
  };
});
