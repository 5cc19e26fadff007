import { spawnSync } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openReadDatabase, type ReadStore } from '../../src/projections/database.js';
import { openProjectionLocks } from '../../src/projections/locks.js';
import { postgresTestSchema } from '../support/postgres.js';
import { temporarySqliteFile } from '../support/sqlite.js';
import { postgresAvailable } from './fixtures/backends.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function open(url: string, schema?: string): Promise<ReadStore> {
  const read = await openReadDatabase(url, { schema });
  cleanups.push(() => read.close());
  return read;
}

describe('SQLite projection lock files', () => {
  async function twoProcessesOnOneFile() {
    const file = await temporarySqliteFile();
    cleanups.push(file.remove);
    const [a, b] = [await open(`sqlite:${file.path}`), await open(`sqlite:${file.path}`)];
    const lockA = await openProjectionLocks(a.db, 'sqlite');
    const lockB = await openProjectionLocks(b.db, 'sqlite');
    cleanups.push(() => lockB.releaseAll(), () => lockA.releaseAll());
    return { path: file.path, lockA, lockB };
  }

  it('gives each projection to one holder until it releases it', async () => {
    const { path, lockA, lockB } = await twoProcessesOnOneFile();
    expect(await lockA.tryAcquire('servants')).toBe(true);
    expect(await lockA.tryAcquire('servants')).toBe(true);
    expect(await lockB.tryAcquire('servants')).toBe(false);
    expect(await lockB.tryAcquire('standards')).toBe(true);
    expect(JSON.parse(readFileSync(`${path}.projection-servants.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(await lockA.verify()).toEqual([]);

    await lockA.releaseAll();
    expect(await lockB.tryAcquire('servants')).toBe(true);
    expect(await lockA.tryAcquire('servants')).toBe(false);
  });

  it('takes over a lock whose process is gone, or that nobody touched for a long time', async () => {
    const { path, lockA } = await twoProcessesOnOneFile();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(`${path}.projection-servants.lock`, JSON.stringify({ pid: dead, host: hostname(), token: 'old' }));
    expect(await lockA.tryAcquire('servants')).toBe(true);

    // A live process (our parent) that still touches its lock keeps it...
    const alive = { pid: process.ppid, host: hostname(), token: 'other' };
    writeFileSync(`${path}.projection-standards.lock`, JSON.stringify(alive));
    expect(await lockA.tryAcquire('standards')).toBe(false);
    // ...until it stops touching it (hung, or its pid now belongs to another program).
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.projection-standards.lock`, longAgo, longAgo);
    expect(await lockA.tryAcquire('standards')).toBe(true);
  });

  it('reports a lock it no longer holds when another process replaced the file', async () => {
    const { path, lockA } = await twoProcessesOnOneFile();
    expect(await lockA.tryAcquire('servants')).toBe(true);
    writeFileSync(`${path}.projection-servants.lock`, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'thief' }));
    expect(await lockA.verify()).toEqual(['servants']);
  });
});

describe.skipIf(!(await postgresAvailable()))('PostgreSQL projection advisory locks', () => {
  it('gives each projection to one session; a dead session loses its locks at once', async () => {
    const database = (await postgresTestSchema())!;
    cleanups.push(database.drop);
    const [a, b] = [await open(database.url, database.schema), await open(database.url, database.schema)];
    const lockA = await openProjectionLocks(a.db, 'postgres');
    const lockB = await openProjectionLocks(b.db, 'postgres');
    cleanups.push(() => lockB.releaseAll(), () => lockA.releaseAll());

    expect(await lockA.tryAcquire('servants')).toBe(true);
    expect(await lockB.tryAcquire('servants')).toBe(false);
    expect(await lockB.tryAcquire('standards')).toBe(true);
    await lockA.releaseAll();
    expect(await lockB.tryAcquire('servants')).toBe(true);
    await lockB.releaseAll();

    // Another schema's projection of the same name is another lock.
    const elsewhere = (await postgresTestSchema())!;
    cleanups.push(elsewhere.drop);
    const lockC = await openProjectionLocks((await open(elsewhere.url, elsewhere.schema)).db, 'postgres');
    cleanups.push(() => lockC.releaseAll());
    expect(await lockA.tryAcquire('servants')).toBe(true);
    expect(await lockC.tryAcquire('servants')).toBe(true);

    // The server ends A's session, as when its process crashes.
    await sql`
      with lock as (select hashtextextended('acredita-projection:' || ${database.schema} || ':servants', 0) as key)
      select pg_terminate_backend(l.pid) from pg_locks l, lock
      where l.locktype = 'advisory' and l.objsubid = 1
        and l.classid::bigint = (lock.key >> 32) & 4294967295 and l.objid::bigint = lock.key & 4294967295`.execute(b.db);
    expect(await lockA.verify()).toEqual(['servants']);
    expect(await lockB.tryAcquire('servants')).toBe(true);
  });
});
