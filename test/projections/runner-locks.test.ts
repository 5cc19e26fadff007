import { spawn } from 'node:child_process';
import { unlinkSync } from 'node:fs';
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

describe('SQLite projection locks', () => {
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
    const { lockA, lockB } = await twoProcessesOnOneFile();
    expect(await lockA.tryAcquire('servants')).toBe(true);
    expect(await lockA.tryAcquire('servants')).toBe(true);
    expect(await lockB.tryAcquire('servants')).toBe(false);
    expect(await lockB.tryAcquire('standards')).toBe(true);
    expect(await lockA.verify()).toEqual([]);

    await lockA.releaseAll();
    expect(await lockB.tryAcquire('servants')).toBe(true);
    expect(await lockA.tryAcquire('servants')).toBe(false);
  });

  it('is free the moment its holder process dies', async () => {
    const { path, lockA } = await twoProcessesOnOneFile();
    // Another process holds the lock as a runner does, then is killed.
    const holder = spawn(
      process.execPath,
      ['-e', `const D = require('better-sqlite3'); new D(process.argv[1], { timeout: 0 }).exec('begin exclusive'); console.log('held'); setInterval(() => {}, 1000);`, `${path}.projection-servants.lock`],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    cleanups.push(async () => void (holder.kill('SIGKILL'), await exited));
    await new Promise((resolve) => holder.stdout!.once('data', resolve));
    expect(await lockA.tryAcquire('servants')).toBe(false);
    holder.kill('SIGKILL');
    await exited;
    expect(await lockA.tryAcquire('servants')).toBe(true);
  });

  it('reports a lock it no longer holds when its file was removed or replaced', async () => {
    const { path, lockA, lockB } = await twoProcessesOnOneFile();
    expect(await lockA.tryAcquire('servants')).toBe(true);
    unlinkSync(`${path}.projection-servants.lock`);
    expect(await lockB.tryAcquire('servants')).toBe(true);
    expect(await lockA.verify()).toEqual(['servants']);
    expect(await lockB.verify()).toEqual([]);
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
