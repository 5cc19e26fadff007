/**
 * Every query and mutation of the contract, end to end: real HTTP server,
 * real application on SQLite (and PostgreSQL when reachable).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, MEXICALI, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { M, Q } from './support/documents.js';
import { Scenario, expectRefused, must, nextCurp } from './support/scenario.js';

describe.each(BACKENDS)('GraphQL operations on %s', (backend) => {
  let api: TestApi | null;
  let scenario: Scenario;
  let admin: string;
  let auditor: string;
  let evaluatorId: string;

  beforeAll(async () => {
    api = await startTestApi(backend);
    if (!api) return;
    scenario = await Scenario.start(api);
    admin = await api.token('ADMIN', { sub: 'admin-1' });
    auditor = await api.token('AUDITOR', { sub: 'auditor-1' });
    await scenario.publishStandard('EC0105', 5);
    await scenario.publishStandard('EC0217', null);
    evaluatorId = (await scenario.accreditEvaluator(['EC0105', 'EC0217'])).id;
  });
  afterAll(async () => {
    await api?.close();
  });

  /** The api, or a skipped test when PostgreSQL is unreachable outside CI. */
  const live = (ctx: { skip: () => void }): TestApi => {
    if (!api) ctx.skip();
    return api!;
  };

  it('publishes, lists, finds and withdraws standards', async (ctx) => {
    const api = live(ctx);
    const published = must(await api.gql(M.publishStandard, { input: { code: 'ec0076', title: 'Evaluacion de la competencia', level: 4 } }, admin));
    expect(published.publishStandard.position).toMatch(/^\d+$/);
    expect(published.publishStandard.standard).toEqual({
      code: 'EC0076',
      title: 'Evaluacion de la competencia',
      level: 4,
      sector: null,
      validityYears: null,
      status: 'ACTIVE',
      certifiedCount: 0,
    });
    const codes = must(await api.gql(Q.standards)).standards.map((s: { code: string }) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['EC0076', 'EC0105', 'EC0217']));
    expect(must(await api.gql(Q.standard, { code: 'ec0105' })).standard.validityYears).toBe(5);
    expect(must(await api.gql(Q.standard, { code: 'EC9999' })).standard).toBeNull();

    expectRefused(await api.gql(M.publishStandard, { input: { code: 'EC0076', title: 'Again', level: 4 } }, admin), 'CONFLICT');
    const withdrawn = must(await api.gql(M.withdrawStandard, { input: { code: 'EC0076', reason: 'Replaced' } }, admin));
    expect(withdrawn.withdrawStandard.standard.status).toBe('WITHDRAWN');
  });

  it('registers servants, reads them by id and CURP, and refuses bad or duplicate CURPs without writing', async (ctx) => {
    const api = live(ctx);
    const curp = nextCurp();
    const registered = must(
      await api.gql(
        M.registerServant,
        {
          input: {
            curp: curp.toLowerCase(),
            fullName: 'Juan Pérez López',
            ...TIJUANA,
            department: 'Tesoreria Municipal',
            regime: 'CONFIANZA',
            unionized: false,
            occurredAt: '2017-03-01T16:00:00Z',
          },
        },
        admin,
      ),
    ).registerServant;
    const servant = registered.servant;
    expect(servant).toMatchObject({
      curp,
      fullName: 'Juan Pérez López',
      municipality: 'Tijuana',
      department: 'Tesoreria Municipal',
      position: null,
      regime: 'CONFIANZA',
      unionized: false,
      active: true,
      personalDataErased: false,
      version: 1,
    });
    expect(servant.registeredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(must(await api.gql(Q.servant, { id: servant.id }, admin)).servant).toMatchObject({ id: servant.id, certifications: [] });
    expect(must(await api.gql(Q.servantByCurp, { curp }, admin)).servantByCurp.id).toBe(servant.id);

    const head = await api.head();
    const wrongDigit = curp.slice(0, 17) + String((Number(curp[17]) + 1) % 10);
    const bad = await api.gql(M.registerServant, { input: { curp: wrongDigit, fullName: 'X Y', ...TIJUANA, department: 'D', regime: 'BASE', unionized: true } }, admin);
    expectRefused(bad, 'BAD_USER_INPUT');
    expect(bad.errors![0].extensions.field).toBe('curp');
    expectRefused(
      await api.gql(M.registerServant, { input: { curp, fullName: 'Otra Persona', ...TIJUANA, department: 'D', regime: 'BASE', unionized: true } }, admin),
      'CONFLICT',
    );
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expectRefused(
      await api.gql(M.registerServant, { input: { curp: nextCurp(), fullName: 'Ana Luz', ...TIJUANA, department: 'D', regime: 'BASE', unionized: true, occurredAt: future } }, admin),
      'BAD_USER_INPUT',
    );
    expectRefused(await api.gql(Q.servantByCurp, { curp: 'NOT-A-CURP' }, admin), 'BAD_USER_INPUT');
    expect(await api.head()).toBe(head);
  });

  it('returns the first result for a repeated commandId and records nothing new', async (ctx) => {
    const api = live(ctx);
    const commandId = randomUUID();
    const input = { commandId, curp: nextCurp(), fullName: 'Rosa Medina', ...TIJUANA, department: 'Sindicatura', regime: 'BASE', unionized: true };
    const first = must(await api.gql(M.registerServant, { input }, admin)).registerServant;
    const head = await api.head();
    const again = must(await api.gql(M.registerServant, { input }, admin)).registerServant;
    expect(again.servant.id).toBe(first.servant.id);
    expect(again.position).toBe(first.position);
    expect(await api.head()).toBe(head);
  });

  it('changes employment with optimistic concurrency and separates servants', async (ctx) => {
    const api = live(ctx);
    const servant = await scenario.registerServant(TIJUANA);
    const changed = must(await api.gql(M.changeEmployment, { input: { servantId: servant.id, expectedVersion: 1, department: 'Delegaciones', unionized: false } }, admin));
    expect(changed.changeEmployment.servant).toMatchObject({ department: 'Delegaciones', unionized: false, version: 2 });
    const stale = await api.gql(M.changeEmployment, { input: { servantId: servant.id, expectedVersion: 1, department: 'Sindicatura' } }, admin);
    expectRefused(stale, 'CONFLICT');
    const separated = must(await api.gql(M.separateServant, { input: { servantId: servant.id, reason: 'Resignation' } }, admin));
    expect(separated.separateServant.servant).toMatchObject({ active: false, version: 3 });
    expectRefused(
      await api.gql(M.enrollInTraining, { input: { servantId: servant.id, standardCode: 'EC0105', provider: 'UTT', modality: 'VIRTUAL' } }, admin),
      'BUSINESS_RULE',
      'SERVANT_NOT_ACTIVE',
    );
    expectRefused(await api.gql(M.changeEmployment, { input: { servantId: randomUUID(), department: 'X' } }, admin), 'NOT_FOUND');
  });

  it('pages servants with cursors (any edge resumes), filters, and treats SQL-looking filters as plain text', async (ctx) => {
    const api = live(ctx);
    const department = `Dept ${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (const n of ['Uno', 'Dos', 'Tres', 'Cuatro', 'Cinco']) {
      ids.push((await scenario.registerServant(MEXICALI, { department, fullName: `Servidor Número ${n}` })).id);
    }
    const filter = { department };
    const page1 = must(await api.gql(Q.servants, { filter, first: 2 }, admin)).servants;
    expect(page1.totalCount).toBe(5);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.edges.map((e: any) => e.node.id)).toEqual(ids.slice(0, 2));
    expect(page1.pageInfo.endCursor).toBe(page1.edges[1].cursor);
    const page2 = must(await api.gql(Q.servants, { filter, first: 2, after: page1.pageInfo.endCursor }, admin)).servants;
    expect(page2.edges.map((e: any) => e.node.id)).toEqual(ids.slice(2, 4));
    const fromFirstEdge = must(await api.gql(Q.servants, { filter, first: 10, after: page1.edges[0].cursor }, admin)).servants;
    expect(fromFirstEdge.edges.map((e: any) => e.node.id)).toEqual(ids.slice(1));
    expect(fromFirstEdge.pageInfo.hasNextPage).toBe(false);

    const accentless = must(await api.gql(Q.servants, { filter: { ...filter, nameContains: 'NUMERO CUATRO' } }, admin)).servants;
    expect(accentless.edges.map((e: any) => e.node.id)).toEqual([ids[3]]);

    const head = await api.head();
    for (const sneaky of ["' OR 1=1 --", "x'); DROP TABLE servants; --", '%', '_']) {
      const result = must(await api.gql(Q.servants, { filter: { nameContains: sneaky, department: sneaky } }, admin)).servants;
      expect(result.totalCount).toBe(0);
    }
    expect(must(await api.gql(Q.servants, { filter }, admin)).servants.totalCount).toBe(5);
    expect(await api.head()).toBe(head);
    expectRefused(await api.gql(Q.servants, { first: 0 }, admin), 'BAD_USER_INPUT');
    expectRefused(await api.gql(Q.servants, { first: 101 }, admin), 'BAD_USER_INPUT');
    expectRefused(await api.gql(Q.servants, { after: 'bm90IGEgY3Vyc29y' }, admin), 'BAD_USER_INPUT');
  });

  it('accredits and lists evaluators', async (ctx) => {
    const api = live(ctx);
    const evaluators = must(await api.gql(Q.evaluators, {}, admin)).evaluators;
    expect(evaluators.find((e: any) => e.id === evaluatorId)).toMatchObject({
      certificationBody: 'UTT',
      standardCodes: ['EC0105', 'EC0217'],
      validUntil: '2099-12-31T00:00:00.000Z',
    });
  });

  it('takes a certification from training to a delivered, then revoked, certificate', async (ctx) => {
    const api = live(ctx);
    const servant = await scenario.registerServant(TIJUANA);
    const step = async (document: string, input: Record<string, unknown>) => {
      const data = must(await api.gql(document, { input: { servantId: servant.id, standardCode: 'EC0105', ...input } }, admin));
      return (Object.values(data)[0] as { certification: any }).certification;
    };
    expect(await step(M.enrollInTraining, { provider: 'UTT', modality: 'VIRTUAL', occurredAt: '2018-09-01T15:00:00.000Z' })).toMatchObject({
      stage: 'IN_TRAINING',
      trainingProvider: 'UTT',
      modality: 'VIRTUAL',
      attempts: 0,
      version: 1,
    });
    expect(await step(M.completeTraining, { hours: 40, expectedVersion: 1, occurredAt: '2018-09-05T15:00:00.000Z' })).toMatchObject({
      stage: 'TRAINED',
      trainingHours: 40,
    });
    expectRefused(await api.gql(M.issueCertificate, { input: { servantId: servant.id, standardCode: 'EC0105', folio: 'TIJ-2018-0001' } }, admin), 'BUSINESS_RULE', 'NO_COMPETENT_VERDICT');
    const evaluated = await step(M.recordVerdict, { evaluatorId, verdict: 'COMPETENT', occurredAt: '2018-09-10T15:00:00.000Z' });
    expect(evaluated).toMatchObject({ stage: 'COMPETENT', attempts: 1, lastVerdict: 'COMPETENT', certificate: null });
    const beforeIssue = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));

    const folio = `TIJ-2018-${randomUUID().slice(0, 6)}`;
    const issued = await step(M.issueCertificate, { folio, occurredAt: '2018-09-18T17:00:00.000Z' });
    // Issued in 2018 with 5 years of validity: expired today.
    expect(issued).toMatchObject({ stage: 'EXPIRED', version: 4 });
    expect(issued.certificate).toMatchObject({
      folio,
      status: 'EXPIRED',
      issuedAt: '2018-09-18T17:00:00.000Z',
      validUntil: '2023-09-18T17:00:00.000Z',
      servant: { id: servant.id },
      standard: { code: 'EC0105' },
    });
    expect(must(await api.gql(Q.certificate, { folio }, admin)).certificate.status).toBe('EXPIRED');

    const verification = must(await api.gql(Q.verifyCertificate, { folio })).verifyCertificate;
    expect(verification).toEqual({
      folio,
      found: true,
      status: 'EXPIRED',
      standardCode: 'EC0105',
      standardTitle: 'Standard EC0105',
      holderInitials: 'M. de los Á. O.',
      municipality: 'Tijuana',
      issuedAt: '2018-09-18T17:00:00.000Z',
      validUntil: '2023-09-18T17:00:00.000Z',
    });
    expect(must(await api.gql(Q.verifyCertificate, { folio: 'NO-SUCH-FOLIO' })).verifyCertificate).toMatchObject({ found: false, status: null });

    // Time travel over recording time: before the issuance was recorded, it was COMPETENT without certificate.
    const past = must(await api.gql(Q.certification, { servantId: servant.id, standardCode: 'EC0105', asOf: beforeIssue }, admin)).certification;
    expect(past).toMatchObject({ stage: 'COMPETENT', version: 3, certificate: null, attempts: 1 });

    const delivered = must(await api.gql(M.deliverCertificates, { input: { folios: [folio], ceremony: 'Entrega 2018-09-18', occurredAt: '2018-09-18T18:00:00.000Z' } }, admin));
    expect(delivered.deliverCertificates.certificates[0]).toMatchObject({ folio, deliveredAt: '2018-09-18T18:00:00.000Z', ceremony: 'Entrega 2018-09-18' });
    expectRefused(await api.gql(M.deliverCertificates, { input: { folios: [folio], ceremony: 'Again' } }, admin), 'BUSINESS_RULE', 'ALREADY_DELIVERED');

    const revoked = must(await api.gql(M.revokeCertificate, { input: { folio, reason: 'Evidence was forged' } }, admin));
    expect(revoked.revokeCertificate.certificate).toMatchObject({ status: 'REVOKED', revocationReason: 'Evidence was forged' });
    const now = must(await api.gql(Q.certification, { servantId: servant.id, standardCode: 'EC0105' }, admin)).certification;
    expect(now).toMatchObject({ stage: 'REVOKED', version: 6 });

    const history = must(await api.gql(Q.certificationHistory, { servantId: servant.id, standardCode: 'EC0105' }, auditor)).certification.history;
    expect(history.map((e: any) => e.type)).toEqual([
      'TrainingEnrolled',
      'TrainingCompleted',
      'VerdictRecorded',
      'CertificateIssued',
      'CertificateDelivered',
      'CertificateRevoked',
    ]);
    expect(history.map((e: any) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(history[0]).toMatchObject({ actor: 'admin-1', previousHash: null, occurredAt: '2018-09-01T15:00:00.000Z' });
    expect(history[1].previousHash).toBe(history[0].hash);
    expect(must(await api.gql(Q.certification, { servantId: servant.id, standardCode: 'EC0217' }, admin)).certification).toBeNull();
  });

  it('counts a VALID certificate in statistics, ranking, standards and goals', async (ctx) => {
    const api = live(ctx);
    const folio = `MXL-${randomUUID().slice(0, 8)}`;
    const servant = await scenario.certifiedServant(MEXICALI, 'EC0217', evaluatorId, folio);
    const issued = must(await api.gql(Q.certificate, { folio }, admin)).certificate;
    expect(issued).toMatchObject({ status: 'VALID', validUntil: null, servant: { id: servant.id } });

    const stats = must(await api.gql(Q.certificationStats, { state: MEXICALI.state, municipality: MEXICALI.municipality })).certificationStats;
    expect(stats.certifiedServants).toBe(1);
    expect(stats.validCertificates).toBe(1);
    expect(stats.byStandard).toEqual([{ key: 'EC0217', count: 1 }]);
    expect(stats.byRegime).toEqual([{ key: 'BASE', count: 1 }]);
    const month = new Date().toISOString().slice(0, 7);
    expect(stats.byMonth).toEqual([{ key: month, count: 1 }]);
    const before = must(await api.gql(Q.certificationStats, { municipality: MEXICALI.municipality, asOf: '2018-01-01T00:00:00Z' })).certificationStats;
    expect(before.certifiedServants).toBe(0);

    const ranking = must(await api.gql(Q.ranking, { state: 'Baja California', first: 5 })).ranking;
    expect(ranking[0]).toEqual({ rank: 1, state: 'Baja California', municipality: 'Mexicali', certifiedServants: 1 });
    const standards = must(await api.gql(Q.standards)).standards;
    expect(standards.find((s: any) => s.code === 'EC0217').certifiedCount).toBe(1);

    const goal = must(
      await api.gql(
        M.setGoal,
        { input: { ...MEXICALI, target: 4, startsAt: '2018-01-01T00:00:00Z', deadline: '2099-12-31T00:00:00Z', description: 'Meta de prueba' } },
        admin,
      ),
    ).setGoal.goal;
    expect(goal).toMatchObject({ municipality: 'Mexicali', target: 4, startsAt: '2018-01-01T00:00:00.000Z' });
    expect(must(await api.gql(Q.goals, { municipality: 'Mexicali' })).goals.map((g: any) => g.id)).toContain(goal.id);
    expect(must(await api.gql(Q.goalProgress, { goalId: goal.id })).goalProgress).toEqual({ goal: { id: goal.id }, achieved: 1, remaining: 3, percent: 25 });
    expect(must(await api.gql(Q.goalProgress, { goalId: randomUUID() })).goalProgress).toBeNull();
    expectRefused(await api.gql(Q.ranking, { first: -1 }), 'BAD_USER_INPUT');
  });

  it('erases personal data for good: name and CURP gone, history and statistics kept', async (ctx) => {
    const api = live(ctx);
    const servant = await scenario.registerServant(TIJUANA);
    const erased = must(await api.gql(M.erasePersonalData, { input: { servantId: servant.id, reason: 'ARCO 2018-001' } }, admin)).erasePersonalData.servant;
    expect(erased).toMatchObject({ fullName: '[erased]', curp: null, personalDataErased: true, version: 2 });
    expect(must(await api.gql(Q.servantByCurp, { curp: servant.curp }, admin)).servantByCurp).toBeNull();
    expectRefused(await api.gql(M.erasePersonalData, { input: { servantId: servant.id, reason: 'Again' } }, admin), 'BUSINESS_RULE', 'PERSONAL_DATA_ERASED');
    const history = must(await api.gql(Q.streamHistory, { streamId: `servant-${servant.id}` }, auditor)).streamHistory;
    expect(history.map((e: any) => e.type)).toEqual(['ServantRegistered', 'PersonalDataErased']);
    expect(JSON.stringify(history)).not.toContain(servant.curp);
  });

  it('gives auditors the log: pages, filters, stream history, integrity, projections, correlation ids', async (ctx) => {
    const api = live(ctx);
    const requestId = `audit-${randomUUID()}`;
    const response = await fetch(api.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: M.publishStandard, variables: { input: { code: 'EC0301', title: 'Diseno de cursos', level: 3 } } }),
    });
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(((await response.json()) as any).data.publishStandard.standard.code).toBe('EC0301');

    const page1 = must(await api.gql(Q.auditLog, { first: 3 }, auditor)).auditLog;
    expect(page1.edges).toHaveLength(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const positions = page1.edges.map((e: any) => BigInt(e.node.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    const page2 = must(await api.gql(Q.auditLog, { first: 3, after: page1.pageInfo.endCursor }, auditor)).auditLog;
    expect(BigInt(page2.edges[0].node.position)).toBeGreaterThan(positions[2]);

    const published = must(await api.gql(Q.auditLog, { filter: { types: ['StandardPublished'], actor: 'admin-1' }, first: 50 }, auditor)).auditLog;
    const ec0301 = published.edges.map((e: any) => e.node).find((n: any) => n.data.code === 'EC0301');
    expect(ec0301).toMatchObject({ streamId: 'standard-EC0301', type: 'StandardPublished', correlationId: requestId, actor: 'admin-1' });
    expect(published.edges.every((e: any) => e.node.type === 'StandardPublished')).toBe(true);
    const oneStream = must(await api.gql(Q.auditLog, { filter: { streamId: 'standard-EC0301' } }, auditor)).auditLog;
    expect(oneStream.edges.map((e: any) => e.node.revision)).toEqual([0]);
    const future = must(await api.gql(Q.auditLog, { filter: { recordedFrom: '2999-01-01T00:00:00Z' } }, auditor)).auditLog;
    expect(future).toEqual({ pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
    expectRefused(await api.gql(Q.auditLog, { after: "1; DELETE FROM events" }, auditor), 'BAD_USER_INPUT');

    const history = must(await api.gql(Q.streamHistory, { streamId: 'standard-EC0105' }, auditor)).streamHistory;
    expect(history[0]).toMatchObject({ type: 'StandardPublished', revision: 0 });
    const beforeAnything = must(await api.gql(Q.streamHistory, { streamId: 'standard-EC0105', asOf: '2000-01-01T00:00:00Z' }, auditor)).streamHistory;
    expect(beforeAnything).toEqual([]);

    const integrity = must(await api.gql(Q.verifyIntegrity, {}, auditor)).verifyIntegrity;
    expect(integrity).toMatchObject({ ok: true, brokenStreamId: null, brokenRevision: null });
    expect(integrity.checkedEvents).toBe(Number(await api.head()));
    expect(must(await api.gql(Q.verifyIntegrity, { streamId: 'standard-EC0105' }, auditor)).verifyIntegrity.checkedEvents).toBe(1);

    const projections = must(await api.gql(Q.projections, {}, auditor)).projections;
    expect(projections.length).toBeGreaterThan(0);
    for (const projection of projections) expect(projection).toEqual({ name: expect.any(String), position: (await api.head()).toString(), lag: 0 });
  });
});
