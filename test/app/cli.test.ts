import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';
import { openTestApplication, type TestApplication } from '../support/application.js';
import { at } from '../support/office.js';

const run = promisify(execFile);
const SECRET = randomBytes(24).toString('hex');

/** Runs `acredita …` as a child process; never throws, returns the exit code and output. */
async function acredita(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', ['bin/acredita.js', ...args], {
      env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', JWT_SECRET: SECRET, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.concurrent('acredita token and configuration errors', () => {
  it('prints a token the server accepts', async () => {
    const result = await acredita(['token', '--role', 'REGISTRAR', '--state', 'Baja California', '--municipality', 'Tijuana', '--sub', 'rh-tijuana']);
    expect(result.code).toBe(0);
    const { payload } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(SECRET));
    expect(payload).toMatchObject({ role: 'REGISTRAR', municipality: 'Tijuana', sub: 'rh-tijuana' });
  });

  it('refuses bad usage with exit 2 and one plain line', async () => {
    const unknownRole = await acredita(['token', '--role', 'KING']);
    expect(unknownRole.code).toBe(2);
    expect(unknownRole.stderr).toContain('--role must be one of ADMIN, REGISTRAR, EVALUATOR, AUDITOR');
    const registrar = await acredita(['token', '--role', 'REGISTRAR']);
    expect(registrar.code).toBe(2);
    expect(registrar.stderr).toContain('needs --state and --municipality');
  });

  it('refuses a token that would live longer than MAX_TOKEN_TTL, and names a bad MAX_TOKEN_TTL', async () => {
    const forever = await acredita(['token', '--role', 'ADMIN', '--ttl', '100000d']);
    expect(forever.code).toBe(2);
    expect(forever.stderr).toMatch(/exceeds MAX_TOKEN_TTL/);
    expect((await acredita(['token', '--role', 'ADMIN', '--ttl', '2h'], { MAX_TOKEN_TTL: '1h' })).code).toBe(2);
    expect((await acredita(['token', '--role', 'ADMIN', '--ttl', '2d'], { MAX_TOKEN_TTL: '7d' })).code).toBe(0);
    const bad = await acredita(['token', '--role', 'ADMIN'], { MAX_TOKEN_TTL: 'forever' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/MAX_TOKEN_TTL: must be a whole number of s, m, h or d/);
  });

  it('names every bad variable on its own line and refuses dev defaults in production', async () => {
    const bad = await acredita(['token', '--role', 'ADMIN'], { PORT: 'abc', EVENT_STORE_URL: 'mysql://x' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/EVENT_STORE_URL: must be sqlite:<path>/);
    expect(bad.stderr).toMatch(/PORT: /);
    const production = await acredita(['token', '--role', 'ADMIN'], { NODE_ENV: 'production', JWT_SECRET: '' });
    expect(production.code).toBe(2);
    expect(production.stderr).toMatch(/JWT_SECRET/);
    expect(production.stderr).toContain('MASTER_KEY: required when NODE_ENV=production');
  });
});

describe('acredita verify, rebuild and import-servants on a real SQLite store', () => {
  let t: TestApplication;
  let env: Record<string, string>;
  let path: string;

  beforeAll(async () => {
    t = (await openTestApplication('sqlite'))!;
    env = t.env;
    path = env.EVENT_STORE_URL!.slice('sqlite:'.length);
    const curp = 'OAAM800101MBCLNR0' + curpCheckDigit('OAAM800101MBCLNR0');
    await t.app.office.publishStandard({ code: 'EC0105', title: 'Atención al ciudadano', level: 2, validityYears: 5 }, at('2017-01-01T00:00:00Z'));
    await t.app.office.registerServant(
      { curp, fullName: 'María Olague', state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
      at('2017-02-01T00:00:00Z'),
    );
    await t.app.close();
  });
  afterAll(() => t.close().catch(() => undefined));

  it('rebuilds every read model', async () => {
    const result = await acredita(['rebuild'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The standard and the registration: the CURP claim lives next to the data keys, not in the log.
    expect(result.stdout).toMatch(/Rebuilt .*servants.* from 2 events/);
  });

  it('refuses an unknown projection name', async () => {
    const result = await acredita(['rebuild', '--projection', 'nope'], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('nope');
  });

  it('imports a roster, reports bad rows by line with exit 1, and a re-run adds nothing', async () => {
    const first = await acredita(['import-servants', 'test/fixtures/roster-sample.csv'], env);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/Imported [1-9]\d*, already present 0, rejected [1-9]/);
    expect(first.stdout).toMatch(/^line \d+: /m);
    const again = await acredita(['import-servants', 'test/fixtures/roster-sample.csv'], env);
    expect(again.stdout).toMatch(/Imported 0, already present [1-9]/);
  });

  it('passes on an intact log and fails with exit 1 naming the stream once a row is changed', async () => {
    const intact = await acredita(['verify'], env);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('Integrity check passed');
    const db = new Database(path);
    db.prepare(`update events set data = json_set(data, '$.title', 'Forged') where stream_id = 'standard-EC0105'`).run();
    db.close();
    const tampered = await acredita(['verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('stream standard-EC0105, revision 0');
  });
});
