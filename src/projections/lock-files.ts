/**
 * SQLite: one lock file per projection next to the database,
 * `<db>.projection-<name>.lock`, created with O_EXCL and holding the owner's
 * pid, host and a token. The owner touches it every few seconds. A lock is stale
 * (taken over) when its process is gone on this host, or when it has not been
 * touched for STALE_AFTER_MS (another host, or a pid reused by another program),
 * or when it is still empty after a moment (its writer died between create and write).
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ProjectionLocks } from './locks.js';

const STALE_AFTER_MS = 30_000;
/** A lock file is written within microseconds of its creation; an empty one this old lost its writer. */
const EMPTY_STALE_AFTER_MS = 2_000;

/** Tokens of the lock holders alive in this process (several runners may share a process, as in tests). */
const liveTokens = new Set<string>();

interface LockContent {
  pid: number;
  host: string;
  token: string;
}

export class LockFiles implements ProjectionLocks {
  private readonly token = randomUUID();
  private readonly held = new Map<string, string>();

  constructor(private readonly databaseFile: string) {}

  async tryAcquire(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    const path = `${this.databaseFile}.projection-${name}.lock`;
    for (let tries = 0; tries < 2; tries++) {
      if (this.create(path)) {
        liveTokens.add(this.token);
        this.held.set(name, path);
        return true;
      }
      const seen = readLock(path);
      if (!seen || !isStale(path, seen.content)) return false;
      // Remove the stale file only if it is still the one judged stale.
      if (readLock(path)?.raw === seen.raw) removeQuietly(path);
    }
    return false;
  }

  async verify(): Promise<string[]> {
    const lost: string[] = [];
    const now = new Date();
    for (const [name, path] of this.held) {
      if (readLock(path)?.content?.token === this.token) {
        utimesSync(path, now, now);
      } else {
        this.held.delete(name);
        lost.push(name);
      }
    }
    return lost;
  }

  async releaseAll(): Promise<void> {
    for (const path of this.held.values()) {
      if (readLock(path)?.content?.token === this.token) removeQuietly(path);
    }
    this.held.clear();
    liveTokens.delete(this.token);
  }

  private create(path: string): boolean {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
    try {
      const content: LockContent = { pid: process.pid, host: hostname(), token: this.token };
      writeSync(fd, JSON.stringify(content));
    } finally {
      closeSync(fd);
    }
    return true;
  }
}

function readLock(path: string): { raw: string; content: LockContent | null } | null {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return { raw, content: JSON.parse(raw) as LockContent };
  } catch {
    return { raw, content: null }; // a writer died between create and write
  }
}

function isStale(path: string, content: LockContent | null): boolean {
  let touchedAt: number;
  try {
    touchedAt = statSync(path).mtimeMs;
  } catch {
    return true; // gone already
  }
  const age = Date.now() - touchedAt;
  if (age > STALE_AFTER_MS) return true;
  if (!content) return age > EMPTY_STALE_AFTER_MS;
  if (content.host !== hostname()) return false;
  if (content.pid === process.pid) return !liveTokens.has(content.token); // an earlier life of this pid
  return !processAlive(content.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
