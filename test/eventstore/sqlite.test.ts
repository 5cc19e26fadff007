import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { SqliteFiles } from '../../src/eventstore/sqlite-files.js';
import { WAL_FLUSH_PAGES, WAL_RESTART_PAGES } from '../../src/eventstore/sqlite-wal-flusher.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { temporarySqliteFile, type TemporarySqliteFile } from '../support/sqlite.js';
import { describeEventStoreContract } from './contract.js';
import { newEvent } from './support/events.js';

const WRITER = fileURLToPath(new URL('./support/sqlite-writer.ts', import.meta.url));

const PARKED = 2_000_000_000;

describeEventStoreContract('sqlite', async () => {
  const file = await temporarySqliteFile();
  // As in the Application: every store object on the file shares its lock and notifier.
  const files = new SqliteFiles();
  const store = new SqliteEventStore(file.path, { files });
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
    openAnother: async () => new SqliteEventStore(file.path, { files }),
    close: async () => {
      await store.close();
      await files.close();
      await file.remove();
    },
  };
});

describe('SQLite event store', () => {
  let file: TemporarySqliteFile;
  let files: SqliteFiles;
  let store: SqliteEventStore;
  beforeEach(async () => {
    file = await temporarySqliteFile();
    files = new SqliteFiles();
    store = new SqliteEventStore(file.path, { files });
  });
  afterEach(async () => {
    await store.close();
    await files.close();
    await file.remove();
  });

  it('opens one file in WAL mode with synchronous=NORMAL, a busy timeout and secure_delete', () => {
    const pragma = (name: string) => store.database.pragma(name, { simple: true });
    expect(store.path).toBe(file.path);
    expect(pragma('journal_mode')).toBe('wal');
    expect(pragma('synchronous')).toBe(1);
    expect(pragma('secure_delete')).toBe(1);
    expect(pragma('busy_timeout')).toBeGreaterThan(0);
    // The worker of sqlite-wal-flusher.ts flushes the WAL instead of a COMMIT.
    expect(pragma('wal_autocheckpoint')).toBe(0);
  });

  it('a worker flushes the WAL once 1,000 pages wait, while this connection never does', async () => {
    const walPages = () => (store.database.pragma('wal_checkpoint(NOOP)') as Array<{ log: number; checkpointed: number }>)[0];
    // About 4 KB of JSON per event: one page each.
    const events = Array.from({ length: 1_200 }, (_, n) => newEvent('Padded', { n, padding: 'x'.repeat(4_000) }));
    for (let from = 0; from < events.length; from += 100) await store.append('padded', events.slice(from, from + 100));
    const written = walPages().log;
    expect(written).toBeGreaterThanOrEqual(1_200);
    let waiting = written - walPages().checkpointed;
    for (const started = Date.now(); waiting >= WAL_FLUSH_PAGES && Date.now() - started < 5_000; ) {
      await sleep(20);
      waiting = walPages().log - walPages().checkpointed;
    }
    expect(waiting).toBeLessThan(WAL_FLUSH_PAGES);
    expect(await store.readStream('padded')).toHaveLength(1_200);
  });

  it('back-to-back appends start the WAL over once it is long instead of growing it without end', async () => {
    const walPages = () => (store.database.pragma('wal_checkpoint(NOOP)') as Array<{ log: number }>)[0].log;
    let longest = 0;
    // Appends of about 100 pages each, to 1.5 times the bound, with no pause in between for the worker.
    for (let append = 0; append < (1.5 * WAL_RESTART_PAGES) / 100; append++) {
      await store.append(`padded-${append}`, Array.from({ length: 100 }, (_, n) => newEvent('Padded', { n, padding: 'x'.repeat(4_000) })));
      longest = Math.max(longest, walPages());
    }
    expect(longest).toBeGreaterThanOrEqual(WAL_RESTART_PAGES);
    // The worker looks every 20 ms: a few appends may land before the next one waits.
    expect(longest).toBeLessThan(2 * WAL_RESTART_PAGES);
    expect((await verifyIntegrity(store)).ok).toBe(true);
  });

  it('4 writer processes x 500 events: a subscriber here sees each exactly once, in increasing position', async () => {
    const processes = 4;
    const perProcess = 500;
    const controller = new AbortController();
    const seen: RecordedEvent[] = [];
    const subscriber = (async () => {
      for await (const item of store.subscribe({ signal: controller.signal, batchSize: 100 })) {
        if (item.kind === 'event') seen.push(item.event);
        else if (seen.length >= processes * perProcess) return;
      }
    })();
    await Promise.all(
      Array.from({ length: processes }, (_, index) => runWriter(file.path, `process-${index}`, perProcess)),
    );
    await subscriber;
    controller.abort();

    expect(seen).toHaveLength(processes * perProcess);
    expect(new Set(seen.map((event) => event.id)).size).toBe(processes * perProcess);
    expect(seen.every((event, index) => index === 0 || event.position > seen[index - 1].position)).toBe(true);
    for (let index = 0; index < processes; index += 1) {
      const own = seen.filter((event) => event.streamId === `process-${index}`);
      expect(own.map((event) => event.revision)).toEqual([...Array(own.length).keys()]);
    }
    const shared = seen.filter((event) => event.streamId === 'process-shared');
    expect(shared.map((event) => event.revision)).toEqual([...Array(shared.length).keys()]);
    expect(shared.length).toBeGreaterThan(0);
    expect((await verifyIntegrity(store)).ok).toBe(true);
  });

  it('withWriteLock keeps appends out while a read-model transaction on another connection is open', async () => {
    const readModels = new Database(file.path);
    readModels.pragma('busy_timeout = 5000');
    const order: string[] = [];
    try {
      await Promise.all([
        store.withWriteLock(async () => {
          readModels.exec('begin immediate; create table if not exists servants_view (id text primary key)');
          order.push('transaction open');
          // Yield to the event loop mid-transaction, as an async Kysely transaction does.
          await sleep(20);
          readModels.exec("insert into servants_view values ('s-1'); commit");
          order.push('transaction committed');
        }),
        sleep(1).then(async () => {
          await store.append('servant-1', [newEvent()]);
          order.push('appended');
        }),
      ]);
    } finally {
      readModels.close();
    }
    expect(order).toEqual(['transaction open', 'transaction committed', 'appended']);
    expect(await store.streamVersion('servant-1')).toBe(1);
  });

  it('another store object on the same file and SqliteFiles shares the lock and wakes this one’s subscribers', async () => {
    const second = new SqliteEventStore(file.path, { files });
    const controller = new AbortController();
    try {
      const iterator = store.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual({ kind: 'caught-up', position: 0n });
      const order: string[] = [];
      await Promise.all([
        store.withWriteLock(async () => {
          await sleep(20);
          order.push('section done');
        }),
        sleep(1).then(async () => {
          await second.append('servant-2', [newEvent()]);
          order.push('appended');
        }),
      ]);
      expect(order).toEqual(['section done', 'appended']);
      expect((await iterator.next()).value).toMatchObject({ kind: 'event', event: { streamId: 'servant-2' } });
    } finally {
      controller.abort();
      await second.close();
    }
  });

  it('an append from inside withWriteLock fails at once instead of waiting forever', async () => {
    await expect(store.withWriteLock(() => store.append('servant-3', [newEvent()]))).rejects.toThrow(/deadlock/);
    expect(await store.streamVersion('servant-3')).toBe(0);
    expect((await store.append('servant-3', [newEvent()])).nextVersion).toBe(1);
  });
});

function runWriter(path: string, streamId: string, events: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, streamId, String(events)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${streamId} exited ${code}: ${stderr}`))));
  });
}
