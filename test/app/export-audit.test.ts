/**
 * The auditors' commands as child processes on a real store: export-audit
 * (filters, bad dates), checkpoint and verify --checkpoint (tail truncation
 * seen only through the checkpoint an auditor kept), and an erased servant's export,
 * which holds nothing readable and still verifies.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecordedTime } from '../../src/app/cli/export-audit.js';
import { CliError } from '../../src/app/cli/runtime.js';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';
import { generateSignerKey } from '../../src/transparency/note.js';
import { postgresTestSchema } from '../support/postgres.js';
import { openTestApplication, type Backend, type TestApplication } from '../support/application.js';
import { at } from '../support/office.js';

const run = promisify(execFile);
const CURP = 'OAAM800101MBCLNR0' + curpCheckDigit('OAAM800101MBCLNR0');
const FULL_NAME = 'María de los Ángeles Olague Muñoz';
const EXPECTED_TYPES = ['StandardPublished', 'ServantRegistered', 'PersonalDataErased'];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function runNode(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', JWT_SECRET: 'x'.repeat(32), ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const acredita = (args: string[], env: Record<string, string>) => runNode(['bin/acredita.js', ...args], env);
const verifyExport = (...args: string[]) => runNode(['docs/verify-export.mjs', ...args]);

const probe = await postgresTestSchema();
await probe?.drop();
const backends: Backend[] = probe === null ? ['sqlite'] : ['sqlite', 'postgres'];

describe('recorded-time options', () => {
  it('take an ISO date (a whole UTC day) or a date-time with a zone, and nothing else', () => {
    expect(parseRecordedTime('--from', '2018-09-18')).toEqual(new Date('2018-09-18T00:00:00.000Z'));
    expect(parseRecordedTime('--to', '2018-09-18')).toEqual(new Date('2018-09-18T23:59:59.999Z'));
    expect(parseRecordedTime('--from', '2018-09-18T10:00:00-07:00')).toEqual(new Date('2018-09-18T17:00:00.000Z'));
    expect(parseRecordedTime('--to', '2018-09-18T17:00Z')).toEqual(new Date('2018-09-18T17:00:00.000Z'));
    for (const text of ['18/09/2018', '2018-02-30', '2018-09-18T10:00:00', 'yesterday', '', '2018-13-01']) {
      const failure = (() => {
        try {
          parseRecordedTime('--from', text);
        } catch (error) {
          return error;
        }
      })();
      expect(failure).toBeInstanceOf(CliError);
      expect(failure).toMatchObject({ exitCode: 2, message: expect.stringMatching(/^--from must be an ISO-8601 date/) });
    }
  });
});

describe.each(backends)('acredita export-audit, verify and checkpoint (%s)', (backend) => {
  let t: TestApplication;
  let dir: string;
  let servantId: string;
  let registeredBefore: Date;

  beforeAll(async () => {
    t = (await openTestApplication(backend, { project: false }))!;
    dir = await mkdtemp(join(tmpdir(), 'acredita-export-'));
    const { office } = t.app;
    await office.publishStandard({ code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, validityYears: 5 }, at('2017-01-01T00:00:00Z'));
    registeredBefore = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    ({ servantId } = await office.registerServant(
      { curp: CURP, fullName: FULL_NAME, state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
      at('2018-01-15T00:00:00Z'),
    ));
    await office.erasePersonalData({ servantId, reason: 'ARCO 2019/17' }, at());
    await t.app.close();
  });
  afterAll(async () => {
    await t?.close().catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("exports an erased servant's events with nothing readable, and the export still verifies", async () => {
    const out = join(dir, 'complete.jsonl');
    const exported = await acredita(['export-audit', '--out', out], t.env);
    expect(exported.stderr).toMatch(/^Exported 3 events \(the complete log, up to position \d+\) to /);
    expect(exported.code).toBe(0);
    const text = await readFile(out, 'utf8');
    const events = text.trim().split('\n').slice(1).map((line) => JSON.parse(line));
    expect(events.map((event) => event.type)).toEqual(EXPECTED_TYPES);
    const registered = events.find((event) => event.type === 'ServantRegistered');
    expect(registered.data.personalData).toMatch(/^v1\./);
    for (const secret of [CURP, CURP.slice(0, 10), 'Olague', 'María', 'Maria', 'Muñoz', 'Munoz']) {
      expect(text.toUpperCase()).not.toContain(secret.toUpperCase());
    }
    const verified = await verifyExport(out);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(/^OK: 3 events in \d+ streams, every hash recomputed; complete log up to position \d+, global chain intact/);
  });

  it('filters by stream and recorded time, and exits 2 on bad dates', async () => {
    const stream = await acredita(['export-audit', '--stream', `servant-${servantId}`], t.env);
    expect(stream.code).toBe(0);
    const lines = stream.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines[0]).toMatchObject({ complete: false, filter: { streamId: `servant-${servantId}`, recordedFrom: null, recordedTo: null } });
    expect(lines.slice(1).map((event) => [event.revision, event.type])).toEqual([
      [0, 'ServantRegistered'],
      [1, 'PersonalDataErased'],
    ]);

    const since = await acredita(['export-audit', '--from', registeredBefore.toISOString()], t.env);
    expect(since.stdout.trim().split('\n').slice(1).map((line) => JSON.parse(line).type)).not.toContain('StandardPublished');
    const window = await acredita(['export-audit', '--from', '2018-09-18', '--to', '2018-09-18'], t.env);
    expect(window.stdout.trim().split('\n')).toHaveLength(1); // the header only: nothing was recorded that day
    expect(JSON.parse(window.stdout).filter).toEqual({ streamId: null, recordedFrom: '2018-09-18T00:00:00.000Z', recordedTo: '2018-09-18T23:59:59.999Z' });

    const bad = await acredita(['export-audit', '--to', '2018-02-30'], t.env);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('acredita: --to must be an ISO-8601 date (2018-09-18) or date-time with a zone (2018-09-18T17:00:00Z), got "2018-02-30"\n');
  });

  it('checkpoint signs the tree; a truncated tail with its tracks covered is seen only through the checkpoint the auditor kept', async () => {
    const env = { ...t.env, SIGNING_KEY: generateSignerKey('127.0.0.1:4000/log') };
    const signed = await acredita(['checkpoint'], env);
    expect(signed.code).toBe(0);
    // One leaf per event of the log (its length is the export test's business).
    const size = Number(signed.stdout.split('\n')[1]);
    expect(size).toBeGreaterThanOrEqual(3);
    expect(signed.stderr).toMatch(new RegExp(`^Checkpoint of tree size ${size}; keep it outside the system`));
    expect(signed.stdout).toMatch(/^127\.0\.0\.1:4000\/log\n\d+\n[A-Za-z0-9+/]{43}=\n\n\u2014 127\.0\.0\.1:4000\/log \S+\n$/);
    const keptFile = join(dir, 'kept.txt');
    await writeFile(keptFile, signed.stdout);
    const key = (await acredita(['checkpoint', '--key'], env)).stdout.trim();
    expect(key).toMatch(/^127\.0\.0\.1:4000\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    // The auditor checks the signature with the separate verifier, Node's crypto only.
    expect(await runNode(['docs/verify-log.mjs', 'checkpoint', keptFile, '--key', key])).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`^OK: checkpoint of 127.0.0.1:4000/log at tree size ${size}`)) });
    expect((await acredita(['verify', '--checkpoint', keptFile], env)).stdout).toMatch(new RegExp(`The log extends every checkpoint you kept \\(tree size ${size}\\)`));

    // Someone with database access deletes the newest event and makes the head record and streams agree.
    await tamper(t, backend, servantId);
    const unaware = await acredita(['verify'], env);
    expect(unaware.code).toBe(0);
    const caught = await acredita(['verify', '--checkpoint', keptFile], env);
    expect(caught.code).toBe(1);
    expect(caught.stderr).toContain(`acredita: The log does NOT extend your checkpoint of tree size ${size}: the log holds only ${size - 1} events, fewer than the ${size} of the checkpoint this log signed`);
    expect((await acredita(['verify', '--checkpoint', join(dir, 'missing.txt')], env)).code).toBe(2);
    // A checkpoint signed by another key is not this log's: bad usage, named.
    const other = await acredita(['verify', '--checkpoint', keptFile], { ...env, SIGNING_KEY: generateSignerKey('127.0.0.1:4000/log') });
    expect(other).toMatchObject({ code: 2, stderr: expect.stringMatching(/carries no signature by the log's key/) });
  });
});

/** Deletes the newest event (the erasure) and rewrites head record and stream head to match. */
async function tamper(t: TestApplication, backend: Backend, servantId: string): Promise<void> {
  const statements = [
    'delete from {t}events where position = (select max(position) from {t}events)',
    'update {t}log_head set position = (select max(position) from {t}events), global_hash = (select global_hash from {t}events order by position desc limit 1)',
    `update {t}streams set version = 1, last_hash = (select hash from {t}events where stream_id = 'servant-${servantId}' and revision = 0) where stream_id = 'servant-${servantId}'`,
  ];
  if (backend === 'sqlite') {
    const db = new Database(t.env.EVENT_STORE_URL.slice('sqlite:'.length));
    for (const sql of statements) db.prepare(sql.replaceAll('{t}', '')).run();
    db.close();
    return;
  }
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: t.env.EVENT_STORE_URL });
  await client.connect();
  for (const sql of statements) await client.query(sql.replaceAll('{t}', `"${t.env.DATABASE_SCHEMA}".`));
  await client.end();
}
