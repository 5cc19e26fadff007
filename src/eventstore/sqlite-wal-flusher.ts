/**
 * Flushes WAL files into their databases from a worker thread (SQLite calls
 * this a WAL checkpoint; here "checkpoint" is only the transparency log's
 * signed head), so appends do not wait for it.
 *
 * SQLite's own automatic flush runs inside the COMMIT that pushes the WAL past
 * 1,000 pages: that append then copies the WAL into the database file and waits
 * for both fsyncs, on the event loop. Here one worker per SqliteFiles, with its
 * own connection to each file, looks at each WAL every POLL_MS
 * (`wal_checkpoint(NOOP)` only reads the WAL-index) and runs the same PASSIVE
 * copy once 1,000 pages wait, with the same synchronous=NORMAL syncs.
 * Every write on the file is covered, the read models' too. Durability is
 * unchanged: a commit is in the WAL when it returns, and the WAL is synced by
 * the flush that copies it, as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const POLL_MS = 20;
/** SQLite's default automatic flush size (wal_autocheckpoint), in pages. */
export const WAL_FLUSH_PAGES = 1_000;
/**
 * A WAL restarts from its beginning only when a write starts with every frame
 * copied. Under back-to-back appends the worker never gets there on its own, so
 * past this many frames (64 MB) the next append waits, without blocking the
 * event loop, for the worker to copy the rest. The worker raises a flag in
 * memory shared with each user of the file, so a write looks at no more than
 * that. Each such wait took 21 to 45 ms (the copy and its fsyncs): at 4,000
 * frames, 31 waits in 8,500 commands cost 77 µs a command; at 16,000, 8 waits
 * cost 43 µs (docs/eventstore.md).
 */
export const WAL_RESTART_PAGES = 16_000;

/**
 * Plain JavaScript run with `eval`: a worker file would need the TypeScript
 * loader, which test runners and `node --import tsx` provide differently.
 * To the worker: { open: path, user, long }, { catchUp: path, id },
 * { close: path, user, id }; it answers the last two with the id. `long` is an
 * Int32Array on a SharedArrayBuffer: 1 while the WAL is past restartPages.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const files = new Map();
const flush = (file, pages) => {
  try {
    const [{ log, checkpointed: copied }] = file.db.pragma('wal_checkpoint(NOOP)');
    const long = log >= workerData.restartPages;
    // Raised before copying: the next write then waits for this copy and the rest.
    const flag = long && log > copied ? 1 : 0;
    for (const shared of file.users.values()) Atomics.store(shared, 0, flag);
    // A long WAL is copied to the end whenever possible, so a catch-up finds little left.
    if (log - copied >= (long ? 1 : pages)) file.db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Another connection is flushing this file; the next poll looks again.
    if (error.code !== 'SQLITE_BUSY') throw error;
  }
};
parentPort.on('message', (message) => {
  if (message.open !== undefined) {
    let file = files.get(message.open);
    if (!file) {
      const db = new Database(message.open);
      db.pragma('synchronous = NORMAL');
      db.pragma('wal_autocheckpoint = 0');
      files.set(message.open, (file = { db, users: new Map() }));
    }
    file.users.set(message.user, message.long);
    return;
  }
  const path = message.catchUp ?? message.close;
  const file = files.get(path);
  if (file && message.catchUp !== undefined) {
    flush(file, 1);
    // Copied to the end: the write that asked starts the WAL over.
    for (const shared of file.users.values()) Atomics.store(shared, 0, 0);
  } else if (file && file.users.delete(message.user) && file.users.size === 0) {
    file.db.close();
    files.delete(path);
  }
  parentPort.postMessage(message.id);
});
setInterval(() => {
  for (const file of files.values()) flush(file, workerData.pages);
}, workerData.pollMs);
`;

interface FlushWorker {
  worker: Worker;
  /** For requests and users. */
  nextId: number;
  /** Requests waiting for their answer. */
  pending: Map<number, () => void>;
  onFailure: Set<(error: Error) => void>;
}

/**
 * The worker of one owner (SqliteFiles): started by the first file that joins,
 * unreferenced (it never holds the process open), ended by close().
 */
export class WalFlusher {
  private running: FlushWorker | null = null;

  /** Joins a file: from now on the worker flushes its WAL instead of SQLite's COMMITs. */
  join(database: Database.Database, path: string, onFailure: (error: Error) => void): WalFlush {
    return new WalFlush(database, path, this.worker(), onFailure);
  }

  /** Ends the worker; every file must have left (WalFlush.stop). */
  async close(): Promise<void> {
    const running = this.running;
    this.running = null;
    if (running) await running.worker.terminate();
  }

  private worker(): FlushWorker {
    if (this.running) return this.running;
    const state = startWorker(() => {
      if (this.running === state) this.running = null;
    });
    return (this.running = state);
  }
}

function startWorker(onExit: () => void): FlushWorker {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      pages: WAL_FLUSH_PAGES,
      restartPages: WAL_RESTART_PAGES,
      pollMs: POLL_MS,
    },
  });
  worker.unref();
  const state: FlushWorker = { worker, nextId: 1, pending: new Map(), onFailure: new Set() };
  worker.on('message', (id: number) => {
    state.pending.get(id)?.();
    state.pending.delete(id);
    if (state.pending.size === 0) worker.unref();
  });
  const fail = (error: Error): void => {
    onExit();
    for (const callback of state.onFailure) callback(error);
    for (const done of state.pending.values()) done();
    state.onFailure.clear();
    state.pending.clear();
  };
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new Error(`The WAL flush worker exited with code ${code}`)));
  return state;
}

/** One file's membership in a WalFlusher's worker. */
export class WalFlush {
  private readonly user: number;
  /** Set by the worker while the WAL is past WAL_RESTART_PAGES with frames left to copy. */
  private readonly long = new Int32Array(new SharedArrayBuffer(4));

  /** `onFailure` runs if the worker dies (the caller turns SQLite's own flushes back on). */
  constructor(
    database: Database.Database,
    private readonly path: string,
    private readonly state: FlushWorker,
    private readonly onFailure: (error: Error) => void,
  ) {
    database.pragma('wal_autocheckpoint = 0');
    this.user = this.state.nextId++;
    this.state.onFailure.add(onFailure);
    this.state.worker.postMessage({ open: path, user: this.user, long: this.long });
  }

  /**
   * Call under the file's write lock, before a write: once the WAL is past
   * WAL_RESTART_PAGES, waits for the worker to copy every frame, so this write
   * starts the WAL over instead of growing it. Nothing to wait for (the usual
   * case): undefined, so the write need not wait for a promise either.
   */
  catchUpIfLong(): Promise<void> | undefined {
    if (Atomics.load(this.long, 0) === 0 || !this.state.onFailure.has(this.onFailure)) return undefined;
    Atomics.store(this.long, 0, 0);
    return this.request({ catchUp: this.path });
  }

  /** Leaves the worker; resolves once the worker has closed its connection if this was the file's last user. */
  async stop(): Promise<void> {
    if (!this.state.onFailure.delete(this.onFailure)) return;
    await this.request({ close: this.path, user: this.user });
  }

  private request(message: { catchUp: string } | { close: string; user: number }): Promise<void> {
    const { state } = this;
    const id = state.nextId++;
    // Referenced while an answer is due, or the process could end before it comes.
    state.worker.ref();
    return new Promise<void>((resolve) => {
      state.pending.set(id, resolve);
      state.worker.postMessage({ ...message, id });
    });
  }
}
