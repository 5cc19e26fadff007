import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';
import type { Office } from '../../src/application/office.js';
import { createOffice } from '../../src/application/create-office.js';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import type { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { EnvelopeVault } from '../../src/privacy/vault.js';
import { at, rejection, sqliteOffice } from '../support/office.js';

const curpOf = (first17: string) => first17 + curpCheckDigit(first17);
const CURP = curpOf('OAAM800101MBCLNR0');
const NAME = 'María de los Ángeles Olague Núñez';

describe('certification office over a real SQLite store', () => {
  let env: Awaited<ReturnType<typeof sqliteOffice>>;
  let office: Office;
  let store: SqliteEventStore;
  let vault: EnvelopeVault;
  const evaluatorId = randomUUID();

  beforeEach(async () => {
    env = await sqliteOffice();
    ({ office, store, vault } = env);
    await office.publishStandard({ code: 'ec0105', title: 'Atención al ciudadano en el sector público', level: 2, validityYears: 5 }, at('2017-01-10T00:00:00Z'));
    await office.accreditEvaluator(
      { id: evaluatorId, fullName: 'Evaluadora UTT', certificationBody: 'UTT', ec0076Folio: 'EC0076-001', standardCodes: ['EC0105'], validUntil: new Date('2020-01-01T00:00:00Z') },
      at('2017-01-10T00:00:00Z'),
    );
  });
  afterEach(() => env.close());

  const register = (curp = CURP, extra: Partial<Parameters<Office['registerServant']>[0]> = {}, commandId: string | null = null) =>
    office.registerServant(
      { curp, fullName: NAME, state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true, ...extra },
      at('2017-02-01T00:00:00Z', { commandId }),
    );

  it('records a whole path (retake, issuance, ceremony, revocation) in one certification stream', async () => {
    const { servantId } = await register();
    const step = { servantId, standardCode: 'EC0105' };
    await office.enrollInTraining({ ...step, provider: 'Ayuntamiento de Tijuana', modality: 'PRESENTIAL' }, at('2018-03-01T00:00:00Z'));
    await office.completeTraining({ ...step, hours: 40 }, at('2018-04-01T00:00:00Z'));
    await office.recordVerdict({ ...step, evaluatorId, verdict: 'NOT_YET_COMPETENT' }, at('2018-05-01T00:00:00Z'));
    await office.recordVerdict({ ...step, evaluatorId, verdict: 'COMPETENT' }, at('2018-06-01T00:00:00Z'));
    await office.issueCertificate({ ...step, folio: 'TIJ-2018-0001' }, at('2018-07-01T00:00:00Z'));
    await office.deliverCertificates({ folios: ['TIJ-2018-0001'], ceremony: 'Entrega 2018-09-18' }, at('2018-09-18T17:00:00Z'));
    const revoked = await office.revokeCertificate({ folio: 'TIJ-2018-0001', reason: 'Evidence found forged' }, at('2019-01-01T00:00:00Z'));

    const events = await store.readStream(`certification-${servantId}-EC0105`);
    expect(events.map((e) => e.type)).toEqual([
      'TrainingEnrolled', 'TrainingCompleted', 'VerdictRecorded', 'VerdictRecorded', 'CertificateIssued', 'CertificateDelivered', 'CertificateRevoked',
    ]);
    expect(events.at(-1)!.position).toBe(revoked.position);
    expect(events[4]!.data).toMatchObject({ folio: 'TIJ-2018-0001', validUntil: '2023-07-01T00:00:00.000Z', holder: { municipality: 'Tijuana', regime: 'BASE' } });
    expect(events[4]!.metadata).toMatchObject({ occurredAt: '2018-07-01T00:00:00.000Z', actor: 'test-admin' });
    expect((await store.readStream('folio-TIJ-2018-0001'))[0]!.data).toMatchObject({ certificationStreamId: `certification-${servantId}-EC0105` });
  });

  it('keeps CURP and name out of the log in clear and finds them again through the vault', async () => {
    const { servantId } = await register(CURP.toLowerCase());
    const [registered] = await store.readStream(`servant-${servantId}`);
    const sealed = String(registered!.data.personalData);
    const text = JSON.stringify(registered!.data) + JSON.stringify(registered!.metadata);
    expect(text).not.toContain(CURP);
    expect(text).not.toContain('Olague');
    expect(await vault.open(servantId, sealed)).toEqual({ curp: CURP, fullName: NAME });
    const bytes = await readFile(env.path);
    expect(bytes.includes(Buffer.from(CURP))).toBe(false);
    // The CURP's claim is kept next to the data keys, not in the log.
    expect(await store.readStream(`curp-${vault.curpDigest(CURP)}`)).toEqual([]);
    expect(store.database.prepare('select curp_digest, servant_id from curp_claims').all()).toEqual([{ curp_digest: vault.curpDigest(CURP), servant_id: servantId }]);
  });

  it('refuses a second servant with the same CURP, and a rejected registration holds no CURP', async () => {
    const bad = await rejection(register(CURP, { fullName: '   ' }));
    expect(bad.code).toBe('BAD_USER_INPUT');
    const head = await store.headPosition();
    await register();
    expect(await store.headPosition()).toBeGreaterThan(head);
    const duplicate = await rejection(register(CURP.toLowerCase(), { id: randomUUID() }));
    expect(duplicate.code).toBe('CONFLICT');
    // Neither refusal made a data key.
    expect(store.database.prepare('select count(*) from personal_data_keys').pluck().get()).toBe(1);
  });

  it('answers the same commandId with the first result and appends nothing', async () => {
    const first = await register(CURP, {}, 'cmd-register-1');
    const head = await store.headPosition();
    const again = await register(CURP, {}, 'cmd-register-1');
    expect(again).toEqual(first);
    expect(await store.headPosition()).toBe(head);
  });

  it('fails with CONFLICT when expectedVersion is stale, and writes nothing', async () => {
    const { servantId } = await register();
    await office.changeEmployment({ servantId, expectedVersion: 1, department: 'Tesorería Municipal' }, at());
    const head = await store.headPosition();
    const stale = await rejection(office.changeEmployment({ servantId, expectedVersion: 1, department: 'Sindicatura' }, at()));
    expect(stale.code).toBe('CONFLICT');
    expect(await store.headPosition()).toBe(head);
  });

  it('refuses bad input with BAD_USER_INPUT before anything is written', async () => {
    const head = await store.headPosition();
    expect((await rejection(register('OAAM800101MBCLNR09'))).code).toBe('BAD_USER_INPUT');
    expect((await rejection(office.publishStandard({ code: 'EC105', title: 'x', level: 2 }, at()))).code).toBe('BAD_USER_INPUT');
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect((await rejection(office.publishStandard({ code: 'EC0217', title: 'Cursos', level: 3 }, at(future)))).code).toBe('BAD_USER_INPUT');
    expect((await rejection(office.revokeCertificate({ folio: 'NOPE-1', reason: 'x' }, at()))).code).toBe('NOT_FOUND');
    expect(await store.headPosition()).toBe(head);
  });

  it('erases personal data for good while the hash chain still verifies', async () => {
    const { servantId } = await register();
    const [registered] = await store.readStream(`servant-${servantId}`);
    await office.erasePersonalData({ servantId, reason: 'ARCO 2019/17' }, at());
    expect(await vault.open(servantId, String(registered!.data.personalData))).toBeNull();
    const twice = await rejection(office.erasePersonalData({ servantId, reason: 'ARCO 2019/17' }, at()));
    expect(twice.rule).toBe('PERSONAL_DATA_ERASED');
    expect((await verifyIntegrity(store)).ok).toBe(true);
  });

  it('50 concurrent verdicts and issuances on one certification: no lost update, one certificate, no shared folio', async () => {
    const { servantId } = await register();
    const step = { servantId, standardCode: 'EC0105' };
    await office.enrollInTraining({ ...step, provider: 'UTT', modality: 'VIRTUAL' }, at('2018-09-25T00:00:00Z'));
    await office.recordVerdict({ ...step, evaluatorId, verdict: 'COMPETENT' }, at('2018-09-30T00:00:00Z'));
    const commands = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? office.recordVerdict({ ...step, evaluatorId, verdict: 'COMPETENT' }, at('2018-10-02T00:00:00Z'))
        : office.issueCertificate({ ...step, folio: `TIJ-C-${i}` }, at('2018-10-02T00:00:00Z')),
    );
    const outcomes = await Promise.allSettled(commands);
    const accepted = outcomes.filter((o) => o.status === 'fulfilled').length;
    for (const o of outcomes) {
      if (o.status === 'rejected') expect((o.reason as AcreditaError).code).toBe('BUSINESS_RULE');
    }
    const events = await store.readStream(`certification-${servantId}-EC0105`);
    // Every accepted command left exactly one event; nothing else was written.
    expect(events.length).toBe(2 + accepted);
    expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    const issued = events.filter((e) => e.type === 'CertificateIssued');
    expect(issued).toHaveLength(1);
    const folio = String(issued[0]!.data.folio);
    const guard = await store.readStream(`folio-${folio}`);
    expect(guard.at(-1)!.data.certificationStreamId).toBe(`certification-${servantId}-EC0105`);
  });

  it('gives a folio to one certification only, even when two servants race for it', async () => {
    const a = await register();
    const b = await register(curpOf('PEGJ800101HBCRRN0'));
    for (const { servantId } of [a, b]) {
      await office.recordVerdict({ servantId, standardCode: 'EC0105', evaluatorId, verdict: 'COMPETENT' }, at('2018-10-01T00:00:00Z'));
    }
    const outcomes = await Promise.allSettled(
      [a, b].map(({ servantId }) => office.issueCertificate({ servantId, standardCode: 'EC0105', folio: 'TIJ-SAME' }, at('2018-10-02T00:00:00Z'))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const loser = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect((loser.reason as AcreditaError).code).toBe('CONFLICT');
  });

  it('follows what another process records in the streams it keeps folded (standard, servant)', async () => {
    // Another Office over the same file: its own CommandHandler, so its own folded states.
    const other = createOffice(eventStreamsOf(store), vault);
    const a = await register();
    const b = await register(curpOf('PEGJ800101HBCRRN0'));
    const step = { standardCode: 'EC0105', provider: 'UTT', modality: 'VIRTUAL' as const };
    await office.enrollInTraining({ ...step, servantId: a.servantId }, at('2018-03-01T00:00:00Z'));

    await other.separateServant({ servantId: a.servantId, reason: 'Renuncia' }, at('2018-03-02T00:00:00Z'));
    const separated = await rejection(office.recordVerdict({ servantId: a.servantId, standardCode: 'EC0105', evaluatorId, verdict: 'COMPETENT' }, at('2018-03-03T00:00:00Z')));
    expect(separated.rule).toBe('SERVANT_NOT_ACTIVE');

    await other.withdrawStandard({ code: 'EC0105', reason: 'Replaced by EC0105.01' }, at('2018-03-04T00:00:00Z'));
    const withdrawn = await rejection(office.enrollInTraining({ ...step, servantId: b.servantId }, at('2018-03-05T00:00:00Z')));
    expect(withdrawn.rule).toBe('STANDARD_NOT_ACTIVE');
  });

  it.each([
    ['claims the folio and issues in one transaction', true],
    ['claims the folio, then issues', false],
  ])('decides an issuance again when its certification moved after the dry run (%s)', async (_, batches) => {
    const { servantId } = await register();
    const step = { servantId, standardCode: 'EC0105' };
    await office.recordVerdict({ ...step, evaluatorId, verdict: 'COMPETENT' }, at('2018-06-01T00:00:00Z'));
    // A concurrent writer records a failed retake between the dry run and the folio claim.
    const streams = eventStreamsOf(store);
    const retake = () => office.recordVerdict({ ...step, evaluatorId, verdict: 'NOT_YET_COMPETENT' }, at('2018-06-02T00:00:00Z'));
    const racing = createOffice(
      {
        readStream: streams.readStream,
        append: async (streamId, events, options) => {
          if (streamId.startsWith('folio-') && !batches) await retake();
          return streams.append(streamId, events, options);
        },
        ...(batches && {
          appendBatch: async (items: Parameters<NonNullable<typeof streams.appendBatch>>[0]) => {
            await retake();
            return streams.appendBatch!(items);
          },
        }),
      },
      vault,
    );
    const refused = await rejection(racing.issueCertificate({ ...step, folio: 'TIJ-RACE' }, at('2018-06-03T00:00:00Z')));
    expect(refused.rule).toBe('NO_COMPETENT_VERDICT');
    const events = await store.readStream(`certification-${servantId}-EC0105`);
    expect(events.map((e) => e.type)).toEqual(['VerdictRecorded', 'VerdictRecorded']);
  });

  it('claims a folio and issues its certificate in one transaction on a store that appends to several streams at once', async () => {
    const { servantId } = await register();
    const step = { servantId, standardCode: 'EC0105' };
    await office.recordVerdict({ ...step, evaluatorId, verdict: 'COMPETENT' }, at('2018-06-01T00:00:00Z'));
    const issued = await office.issueCertificate({ ...step, folio: 'TIJ-ONE' }, at('2018-06-03T00:00:00Z', { commandId: 'cmd-issue-1' }));
    const [claim] = await store.readStream('folio-TIJ-ONE');
    const certificate = (await store.readStream(`certification-${servantId}-EC0105`)).at(-1)!;
    expect(certificate).toMatchObject({ type: 'CertificateIssued', position: issued.position });
    expect(claim!.position).toBe(issued.position - 1n);
    expect(claim!.recordedAt).toBe(certificate.recordedAt);
    // The same command again appends nothing.
    const head = await store.headPosition();
    expect(await office.issueCertificate({ ...step, folio: 'TIJ-ONE' }, at('2018-06-03T00:00:00Z', { commandId: 'cmd-issue-1' }))).toEqual(issued);
    expect(await store.headPosition()).toBe(head);
  });
});
