import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import { createOffice } from '../../src/application/create-office.js';
import type { Office } from '../../src/application/office.js';
import type { EventStreams } from '../../src/application/event-streams.js';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';
import { PostgresEventStore } from '../../src/eventstore/postgres.js';
import { PostgresKeyStore } from '../../src/privacy/postgres-key-store.js';
import { EnvelopeVault } from '../../src/privacy/vault.js';
import { at, rejection } from '../support/office.js';
import { postgresTestSchema, type PostgresTestSchema } from '../support/postgres.js';

const CURP = (() => {
  const first17 = 'OAAM800101MBCLNR0';
  return first17 + curpCheckDigit(first17);
})();

// Probe once: null means unreachable outside CI (already warned), so the suite is skipped.
const probe = await postgresTestSchema();
await probe?.drop();

/** The store's own methods, each call's name written down (the store does the work). */
function counted(streams: EventStreams, calls: string[]): EventStreams {
  return new Proxy(streams, {
    get: (target, name: keyof EventStreams) => {
      const value = target[name];
      return typeof value === 'function' ? (...args: unknown[]) => (calls.push(name), (value as (...a: unknown[]) => unknown)(...args)) : value;
    },
  });
}

describe.skipIf(probe === null)('certification office over PostgreSQL', () => {
  let database: PostgresTestSchema;
  let store: PostgresEventStore;
  let vault: EnvelopeVault;
  let office: Office;
  /** Another process: its own handler, so its own kept states. */
  let other: Office;
  const calls: string[] = [];
  const evaluatorId = randomUUID();

  beforeEach(async () => {
    database = (await postgresTestSchema())!;
    store = await PostgresEventStore.connect(database.url, { schema: database.schema });
    const keys = new PostgresKeyStore(store.pool, database.schema);
    await keys.migrate();
    vault = new EnvelopeVault(randomBytes(32), keys);
    office = createOffice(counted(eventStreamsOf(store), calls), vault);
    other = createOffice(eventStreamsOf(store), vault);
    await office.publishStandard({ code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, validityYears: 5 }, at('2017-01-10T00:00:00Z'));
    await office.accreditEvaluator(
      { id: evaluatorId, fullName: 'Evaluadora UTT', certificationBody: 'UTT', ec0076Folio: 'EC0076-001', standardCodes: ['EC0105'], validUntil: new Date('2030-01-01T00:00:00Z') },
      at('2017-01-10T00:00:00Z'),
    );
    calls.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  const register = () =>
    office.registerServant(
      { curp: CURP, fullName: 'María Olague', state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
      at('2017-02-01T00:00:00Z'),
    );
  const verdict = (o: Office, servantId: string, value: 'COMPETENT' | 'NOT_YET_COMPETENT', when: string) =>
    o.recordVerdict({ servantId, standardCode: 'EC0105', evaluatorId, verdict: value }, at(when));

  it('reads a command\'s streams in one query, and not at all for a stream it wrote last: the append checks what it folded', async () => {
    const { servantId } = await register();
    expect(calls.splice(0)).toEqual(['readStreams', 'append']);
    const step = { servantId, standardCode: 'EC0105' };
    await office.enrollInTraining({ ...step, provider: 'UTT', modality: 'VIRTUAL' }, at('2018-03-01T00:00:00Z'));
    // Presumed new: nothing read, the append's 'no_stream' checks it.
    expect(calls.splice(0)).toEqual(['appendBatchIfUnchanged']);
    await office.completeTraining({ ...step, hours: 40 }, at('2018-04-01T00:00:00Z'));
    await verdict(office, servantId, 'COMPETENT', '2018-05-01T00:00:00Z');
    await office.issueCertificate({ ...step, folio: 'TIJ-1' }, at('2018-06-01T00:00:00Z'));
    expect(calls.splice(0)).toEqual(['appendBatchIfUnchanged', 'appendBatchIfUnchanged', 'appendBatchIfUnchanged']);
    const events = await store.readStream(`certification-${servantId}-EC0105`);
    expect(events.map((e) => e.type)).toEqual(['TrainingEnrolled', 'TrainingCompleted', 'VerdictRecorded', 'CertificateIssued']);
  });

  it('presumes an enrolment opens its certification, and decides again on a fresh read when another process opened it', async () => {
    const { servantId } = await register();
    const step = { servantId, standardCode: 'EC0105' };
    await other.enrollInTraining({ ...step, provider: 'UTT', modality: 'VIRTUAL' }, at('2018-03-01T00:00:00Z'));
    calls.length = 0;
    const refused = await rejection(office.enrollInTraining({ ...step, provider: 'CONALEP', modality: 'PRESENTIAL' }, at('2018-03-02T00:00:00Z')));
    expect(refused.rule).toBe('ALREADY_IN_TRAINING');
    expect(calls).toEqual(['appendBatchIfUnchanged', 'readStreams']);
    await other.completeTraining({ ...step, hours: 40 }, at('2018-04-01T00:00:00Z'));
    await verdict(other, servantId, 'NOT_YET_COMPETENT', '2018-05-01T00:00:00Z');
    // Nothing kept here for the stream: presumed new again, refused by the store, accepted on a fresh read.
    const again = createOffice(eventStreamsOf(store), vault);
    await again.enrollInTraining({ ...step, provider: 'CONALEP', modality: 'PRESENTIAL' }, at('2018-06-01T00:00:00Z'));
    const events = await store.readStream(`certification-${servantId}-EC0105`);
    expect(events.map((e) => e.type)).toEqual(['TrainingEnrolled', 'TrainingCompleted', 'VerdictRecorded', 'TrainingEnrolled']);
    expect(events.at(-1)!.data.provider).toBe('CONALEP');
  });

  it('decides again on a fresh read when its kept state was behind and refused', async () => {
    const { servantId } = await register();
    await verdict(office, servantId, 'NOT_YET_COMPETENT', '2018-05-01T00:00:00Z');
    await verdict(other, servantId, 'COMPETENT', '2018-05-02T00:00:00Z');
    const issued = await office.issueCertificate({ servantId, standardCode: 'EC0105', folio: 'TIJ-2' }, at('2018-06-01T00:00:00Z'));
    expect((await store.readStream(`certification-${servantId}-EC0105`)).at(-1)).toMatchObject({ type: 'CertificateIssued', position: issued.position });
  });

  it('decides again on a fresh read when its kept state was behind and accepted: nothing written, no folio claimed', async () => {
    const { servantId } = await register();
    await verdict(office, servantId, 'COMPETENT', '2018-05-01T00:00:00Z');
    await verdict(other, servantId, 'NOT_YET_COMPETENT', '2018-05-02T00:00:00Z');
    const refused = await rejection(office.issueCertificate({ servantId, standardCode: 'EC0105', folio: 'TIJ-3' }, at('2018-06-01T00:00:00Z')));
    expect(refused.rule).toBe('NO_COMPETENT_VERDICT');
    expect(await store.readStream('folio-TIJ-3')).toEqual([]);
    expect((await store.readStream(`certification-${servantId}-EC0105`)).map((e) => e.data.verdict)).toEqual(['COMPETENT', 'NOT_YET_COMPETENT']);
  });

  it('sees what another process recorded in a stream it folds (the servant) before its append goes through', async () => {
    const { servantId } = await register();
    await verdict(office, servantId, 'NOT_YET_COMPETENT', '2018-05-01T00:00:00Z');
    await other.separateServant({ servantId, reason: 'Renuncia' }, at('2018-05-02T00:00:00Z'));
    const separated = await rejection(verdict(office, servantId, 'COMPETENT', '2018-05-03T00:00:00Z'));
    expect(separated.rule).toBe('SERVANT_NOT_ACTIVE');

  });
});
