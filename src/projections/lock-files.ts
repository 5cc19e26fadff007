/**
 * SQLite: one lock per projection, SQLite's own. `<db>.projection-<name>.lock`
 * is a small SQLite database; the holder keeps an exclusive transaction open on
 * it (BEGIN EXCLUSIVE, its own connection). The operating system drops that
 * lock with the process, so a crashed runner's projections are free at once,
 * with no pid, host or age to judge. A holder whose file was removed or
 * replaced gives the projection up (its lock is on a file nobody else sees).
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ProjectionLocks } from './locks.js';

interface Held {
  path: string;
  connection: Database.Database;
  /** The inode locked: a different one at `path` means the lock file was replaced. */
  inode: number;
}

export class LockFiles implements ProjectionLocks {
  private readonly held = new Map<string, Held>();

  constructor(private readonly databaseFile: string) {}

  async tryAcquire(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    const path = `${this.databaseFile}.projection-${name}.lock`;
    // timeout 0: another holder answers SQLITE_BUSY at once.
    const connection = new Database(path, { timeout: 0 });
    try {
      connection.exec('begin exclusive');
    } catch (error) {
      connection.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    }
    this.held.set(name, { path, connection, inode: statSync(path).ino });
    return true;
  }

  async verify(): Promise<string[]> {
    const lost: string[] = [];
    for (const [name, held] of this.held) {
      if (held.connection.inTransaction && inodeOf(held.path) === held.inode) continue;
      this.release(name, held);
      lost.push(name);
    }
    return lost;
  }

  async releaseAll(): Promise<void> {
    for (const [name, held] of this.held) this.release(name, held);
  }

  private release(name: string, held: Held): void {
    this.held.delete(name);
    if (held.connection.inTransaction) held.connection.exec('rollback');
    held.connection.close();
  }
}

function inodeOf(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
