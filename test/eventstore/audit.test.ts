/**
 * readAudit on SQLite and PostgreSQL: keyset pages over a few thousand events
 * with each filter give exactly the events a plain filter over the whole log
 * gives, in position order; the KurrentDB fallback scan gives the same.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchesAudit, readAuditLog, scanAudit, validateAuditQuery } from '../../src/eventstore/audit.js';
import { InvalidEventStoreInputError } from '../../src/eventstore/errors.js';
import { auditQuery } from '../../src/eventstore/audit-query.js';
import { SQLITE_AUDIT_DIALECT, SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { AuditFilter, EventStore, NewEvent, RecordedEvent } from '../../src/eventstore/types.js';
import { postgresTestSchema } from '../support/postgres.js';
import { testMetadata } from './support/events.js';
import { openTamperKit, type SqlBackend, type TamperKit } from './support/tamper.js';

const probe = await postgresTestSchema();
await probe?.drop();
const backends: SqlBackend[] = probe === null ? ['sqlite'] : ['sqlite', 'postgres'];

const TYPES = ['TrainingCompleted', 'VerdictRecorded', 'CertificateIssued', 'CertificateDelivered'];
const ACTORS = ['registrar-tijuana', 'evaluator-utt', 'admin', null];
const PHASES = 3;
const APPENDS_PER_PHASE = 20;
const EVENTS_PER_APPEND = 50;

function eventAt(index: number): NewEvent {
  return {
    id: randomUUID(),
    type: TYPES[index % TYPES.length],
    data: { n: index },
    metadata: testMetadata({ actor: ACTORS[Math.floor(index / 7) % ACTORS.length] }),
  };
}

/** Every matching event after `after`, by readAudit pages of `pageSize`, following the cursor. */
async function pageThrough(store: EventStore, filter: AuditFilter, pageSize: number): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const page = await readAuditLog(store, filter, { after, limit: pageSize });
    expect(page.length).toBeLessThanOrEqual(pageSize);
    found.push(...page);
    if (page.length < pageSize) return found;
    after = page[page.length - 1].position;
  }
}

describe.each(backends)('readAudit (%s)', (backend) => {
  let kit: TamperKit;
  let log: RecordedEvent[];
  /** Instants strictly between the phases' recordedAt. */
  const boundaries: Date[] = [];

  beforeAll(async () => {
    kit = (await openTamperKit(backend))!;
    let index = 0;
    for (let phase = 0; phase < PHASES; phase += 1) {
      for (let append = 0; append < APPENDS_PER_PHASE; append += 1) {
        const events = Array.from({ length: EVENTS_PER_APPEND }, () => eventAt(index++));
        await kit.store.append(`certification-${append % 7}`, events);
      }
      await sleep(15);
      boundaries.push(new Date());
      await sleep(15);
    }
    log = [];
    for (let after = 0n; ; ) {
      const batch = await kit.store.readAll({ after, limit: 1_000 });
      if (batch.length === 0) break;
      log.push(...batch);
      after = batch[batch.length - 1].position;
    }
  }, 120_000);
  afterAll(() => kit?.close());

  /** Functions: the time boundaries exist only once beforeAll has run. */
  const filters: Array<[string, () => AuditFilter]> = [
    ['no filter', () => ({})],
    ['nulls and an empty type list, as GraphQL passes them', () => ({ streamId: null, types: [], actor: null, recordedFrom: null, recordedTo: null })],
    ['one stream', () => ({ streamId: 'certification-3' })],
    ['one type', () => ({ types: ['CertificateDelivered'] })],
    ['two types', () => ({ types: ['VerdictRecorded', 'CertificateIssued'] })],
    ['an actor', () => ({ actor: 'evaluator-utt' })],
    ['recordedFrom', () => ({ recordedFrom: boundaries[0] })],
    ['a recorded-time window', () => ({ recordedFrom: boundaries[0], recordedTo: boundaries[1] })],
    ['recordedTo', () => ({ recordedTo: boundaries[0] })],
    ['type, actor and time together', () => ({ types: ['CertificateIssued', 'TrainingCompleted'], actor: 'admin', recordedTo: boundaries[1] })],
    ['stream and type', () => ({ streamId: 'certification-5', types: ['CertificateDelivered'] })],
    ['nothing matches', () => ({ actor: 'nobody' })],
  ];

  it.each(filters)('%s: every page in position order, exactly the matching events', async (name, filterOf) => {
    const filter = filterOf();
    expect(log).toHaveLength(PHASES * APPENDS_PER_PHASE * EVENTS_PER_APPEND);
    const expected = log.filter((event) => matchesAudit(event, validateAuditQuery(filter, { limit: 1 }).filter));
    if (name !== 'nothing matches') expect(expected.length).toBeGreaterThan(0);
    const found = await pageThrough(kit.store, filter, 97);
    expect(found.map((event) => event.position)).toEqual(expected.map((event) => event.position));
    expect(found).toEqual(expected);
    // The fallback scan a store without readAudit gets (KurrentDB) answers the same.
    const scanned = await scanAudit(kit.store, validateAuditQuery(filter, { after: 0n, limit: 10_000 }));
    expect(scanned.map((event) => event.position)).toEqual(expected.map((event) => event.position));
  });

  it.each(filters)('%s, newest first: paging back with before gives the same events in reverse, and the scan agrees', async (_name, filterOf) => {
    const filter = filterOf();
    const expected = log.filter((event) => matchesAudit(event, validateAuditQuery(filter, { limit: 1 }).filter)).reverse();
    const found: RecordedEvent[] = [];
    for (let before: bigint | undefined; ; ) {
      const page = await readAuditLog(kit.store, filter, { before, newestFirst: true, limit: 89 });
      found.push(...page);
      if (page.length < 89) break;
      before = page[page.length - 1].position;
    }
    expect(found.map((event) => event.position)).toEqual(expected.map((event) => event.position));
    const middle = expected[Math.floor(expected.length / 2)]?.position;
    if (middle === undefined) return;
    // A window between two cursors, both ways.
    const window = expected.filter((event) => event.position < middle && event.position > 100n).slice(0, 30);
    expect(await readAuditLog(kit.store, filter, { after: 100n, before: middle, newestFirst: true, limit: 30 })).toEqual(window);
    expect(await scanAudit(kit.store, validateAuditQuery(filter, { after: 100n, before: middle, newestFirst: true, limit: 30 }))).toEqual(window);
    const forward = expected.filter((event) => event.position < middle).reverse().slice(0, 30);
    expect(await readAuditLog(kit.store, filter, { before: middle, limit: 30 })).toEqual(forward);
  });

  it('the time filters are inclusive and match the recorded phases', async () => {
    const perPhase = APPENDS_PER_PHASE * EVENTS_PER_APPEND;
    expect(await pageThrough(kit.store, { recordedTo: boundaries[0] }, 1_000)).toHaveLength(perPhase);
    expect(await pageThrough(kit.store, { recordedFrom: boundaries[0], recordedTo: boundaries[1] }, 1_000)).toHaveLength(perPhase);
    const last = log.at(-1)!;
    const exact = new Date(last.recordedAt);
    const atTheEnd = await readAuditLog(kit.store, { recordedFrom: exact, recordedTo: exact }, { limit: 10_000 });
    expect(atTheEnd.at(-1)).toEqual(last);
    expect(atTheEnd.every((event) => event.recordedAt === last.recordedAt)).toBe(true);
    expect(await readAuditLog(kit.store, { recordedFrom: new Date(Date.now() + 60_000) }, { limit: 10 })).toEqual([]);
    expect(await readAuditLog(kit.store, { recordedFrom: boundaries[1], recordedTo: boundaries[0] }, { limit: 10 })).toEqual([]);
  });

  it('recordedAt never decreases along the log', () => {
    expect(log.every((event, index) => index === 0 || event.recordedAt >= log[index - 1].recordedAt)).toBe(true);
  });

  it('refuses a bad filter or page with BAD_USER_INPUT', async () => {
    const refused: Array<[AuditFilter, { after?: bigint; before?: bigint; limit: number }]> = [
      [{}, { limit: 0 }],
      [{}, { limit: 10_001 }],
      [{}, { after: -1n, limit: 5 }],
      [{}, { before: -1n, limit: 5 }],
      [{ types: [''] }, { limit: 5 }],
      [{ types: 'CertificateIssued' as unknown as string[] }, { limit: 5 }],
      [{ recordedFrom: new Date('not a date') }, { limit: 5 }],
      [{ recordedTo: '2018-09-18' as unknown as Date }, { limit: 5 }],
      [{ streamId: ' padded ' }, { limit: 5 }],
      [{ actor: 7 as unknown as string }, { limit: 5 }],
    ];
    for (const [filter, page] of refused) {
      const failure = await readAuditLog(kit.store, filter, page).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(InvalidEventStoreInputError);
      expect((failure as InvalidEventStoreInputError).code).toBe('BAD_USER_INPUT');
    }
  });

  it.runIf(backend === 'sqlite')('SQLite answers every filter by seeking an index on (x, position), never by sorting or scanning the log', () => {
    const database = (kit.store as SqliteEventStore).database;
    const plan = (filter: AuditFilter) => {
      const { text, values } = auditQuery(SQLITE_AUDIT_DIALECT, validateAuditQuery(filter, { limit: 50 }));
      const parameters = Object.fromEntries(values.map((value, index) => [`p${index + 1}`, value]));
      return database
        .prepare(`explain query plan ${text}`)
        .all(parameters)
        .map((row) => (row as { detail: string }).detail)
        .join(' | ');
    };
    const now = new Date();
    expect(plan({ streamId: 's' })).toBe('SEARCH events USING INDEX events_by_stream (stream_id=? AND rowid>?)');
    expect(plan({ types: ['A'] })).toBe('SEARCH events USING INDEX events_by_type (type=? AND rowid>?)');
    expect(plan({ actor: 'a' })).toBe('SEARCH events USING INDEX events_by_actor (<expr>=? AND rowid>?)');
    expect(plan({ recordedFrom: now, recordedTo: now })).toMatch(
      /^SEARCH events USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)( \| SCALAR SUBQUERY \d \| SEARCH events USING COVERING INDEX events_by_recorded_at \(recorded_at>\?\)){2}$/,
    );
    // Several types: one seek per type; only each branch's page (at most `limit` rows) is sorted for the merge.
    expect(plan({ types: ['A', 'B'] }).match(/SEARCH events USING INDEX events_by_type \(type=\? AND rowid>\?\)/g)).toHaveLength(2);
    expect(plan({ types: ['A', 'B'] })).not.toMatch(/SCAN events/);
  });
});
