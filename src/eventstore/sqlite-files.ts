/**
 * What the SQLite stores of one owner (the Application) share for each
 * database file, and the worker that flushes their WALs. Made by the owner and
 * closed with it; a store opened without one makes its own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { realpathSync } from 'node:fs';
import { Mutex } from 'async-mutex';
import { AppendNotifier } from './subscription.js';
import { WalFlusher } from './sqlite-wal-flusher.js';

/** A store object's share of its file; `leave` once, when the store closes. */
export interface SharedFile {
  /** The file's real path: two spellings of one file share one entry. */
  readonly key: string;
  /** An append through any store object on the file wakes every subscriber. */
  readonly notifier: AppendNotifier;
  /**
   * Runs `section` while no other holder (append or withWriteLock, through any
   * store object on the file) runs. Not re-entrant: asking from inside a section
   * that still holds it would wait forever, so that is refused at once.
   */
  withLock<T>(section: () => T | Promise<T>): Promise<T>;
  leave(): void;
}

interface FileEntry {
  mutex: Mutex;
  /** The token of the section holding the mutex, if any. */
  owner: symbol | null;
  notifier: AppendNotifier;
  users: number;
}

export class SqliteFiles {
  readonly walFlusher = new WalFlusher();
  private readonly files = new Map<string, FileEntry>();
  /** The lock tokens the current async context runs under, to catch a re-entrant request. */
  private readonly held = new AsyncLocalStorage<ReadonlySet<symbol>>();

  open(path: string): SharedFile {
    const key = realpathSync(path);
    let entry = this.files.get(key);
    if (!entry) this.files.set(key, (entry = { mutex: new Mutex(), owner: null, notifier: new AppendNotifier(), users: 0 }));
    entry.users += 1;
    const file = entry;
    let left = false;
    return {
      key,
      notifier: file.notifier,
      withLock: (section) => this.withLock(file, section),
      leave: () => {
        if (left) return;
        left = true;
        if (--file.users === 0) this.files.delete(key);
      },
    };
  }

  /** Ends the WAL flush worker; call once every store on these files has closed. */
  async close(): Promise<void> {
    await this.walFlusher.close();
  }

  private withLock<T>(file: FileEntry, section: () => T | Promise<T>): Promise<T> {
    if (file.owner !== null && this.held.getStore()?.has(file.owner)) {
      return Promise.reject(new Error('This lock is already held by the caller; waiting for it would deadlock'));
    }
    return file.mutex.runExclusive(async () => {
      const token = Symbol('lock holder');
      file.owner = token;
      try {
        return await this.held.run(new Set(this.held.getStore()).add(token), section);
      } finally {
        file.owner = null;
      }
    });
  }
}
