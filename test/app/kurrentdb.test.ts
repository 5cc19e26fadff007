/**
 * The whole application on KurrentDB, end to end: the real HTTP server and
 * GraphQL API, commands appended through `@eventstore/db-client` over gRPC to
 * the KurrentDB protocol double (test/support/kurrentdb-double), the
 * projections following its $all subscription into read models on SQLite and
 * on PostgreSQL (READ_STORE_URL), the transparency tree over its log, and
 * every read model rebuilt from it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyConsistencyAnswer, verifyExportAgainst, verifyInclusionAnswer } from '../../docs/verify-log.mjs';
import { exportLine } from '../../src/eventstore/audit-export.js';
import { isSystemEvent } from '../../src/eventstore/kurrentdb-mapping.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { MEXICALI, TIJUANA, startTestApi, type TestApi } from '../graphql/support/api.js';
import { M, Q } from '../graphql/support/documents.js';
import { Scenario, must, nextCurp } from '../graphql/support/scenario.js';
import type { Backend } from '../support/application.js';
import { startKurrentDbDouble, type KurrentDbDouble } from '../support/kurrentdb-double/server.js';

describe.each<Backend>(['sqlite', 'postgres'])('the API on KurrentDB (protocol double), read models on %s', (backend) => {
  let double: KurrentDbDouble;
  let api: TestApi | null;
  let admin: string;
  let auditor: string;
  const folios = ['TIJ-EC0105-2018-0001', 'TIJ-EC0105-2018-0002', 'TIJ-EC0217-2018-0003', 'MXL-EC0105-2018-0004'];

  beforeAll(async () => {
    double = await startKurrentDbDouble();
    api = await startTestApi(backend, { eventStoreUrl: double.url });
    if (!api) return;
    admin = await api.token('ADMIN', { sub: 'admin-1' });
    auditor = await api.token('AUDITOR', { sub: 'auditor-1' });
    const scenario = await Scenario.start(api);
    await scenario.publishStandard('EC0105', 5);
    await scenario.publishStandard('EC0217', null);
    const evaluator = await scenario.accreditEvaluator(['EC0105', 'EC0217']);
    await scenario.certifiedServant(TIJUANA, 'EC0105', evaluator.id, folios[0]);
    await scenario.certifiedServant(TIJUANA, 'EC0105', evaluator.id, folios[1]);
    await scenario.certifiedServant(TIJUANA, 'EC0217', evaluator.id, folios[2]);
    await scenario.certifiedServant(MEXICALI, 'EC0105', evaluator.id, folios[3]);
    must(await api.gql(M.deliverCertificates, { input: { folios: folios.slice(0, 2), ceremony: 'Entrega de constancias' } }, admin));
    must(await api.gql(M.revokeCertificate, { input: { folio: folios[1], reason: 'Evidence was forged' } }, admin));
    await api.app.readModel.waitFor(await api.head(), 20_000);
  });
  afterAll(async () => {
    await api?.close();
    await double?.stop();
  });

  const live = (ctx: { skip: () => void }): TestApi => {
    if (!api) ctx.skip();
    return api!;
  };

  /** Our events as the double's log holds them (not its own records, not event-id claims). */
  const ourRecords = () => double.log.records.filter((record) => record.kind === 'event' && !isSystemEvent({ streamId: record.stream, type: record.type }) && !record.stream.startsWith('event-id-claim-'));

  it('keeps every event in KurrentDB, each id claimed once, and reports KurrentDB commit positions', async (ctx) => {
    const api = live(ctx);
    expect(api.app.store.backend).toBe('kurrentdb');
    const records = ourRecords();
    // Standards 2, evaluator 1, 4 servants x (registration + enrolment, training, verdict, issue) and their certificates, delivery, revocation.
    expect(records.length).toBeGreaterThanOrEqual(2 + 1 + 4 * 5 + 2);
    const claims = double.log.records.filter((record) => record.stream.startsWith('event-id-claim-'));
    expect(claims).toHaveLength(records.length);
    expect(new Set(claims.map((record) => record.stream)).size).toBe(records.length);
    const head = await api.head();
    expect(head).toBe(records.at(-1)!.position);
    // Positions the API hands out are KurrentDB positions of our records.
    const registered = must(
      await api.gql(M.registerServant, { input: { curp: nextCurp(), fullName: 'Juan Pérez García', ...TIJUANA, department: 'Tesorería', regime: 'BASE', unionized: false } }, admin),
    ).registerServant;
    const record = double.log.recordAt(BigInt(registered.position));
    expect(record).toMatchObject({ kind: 'event', type: 'ServantRegistered' });
    expect(record!.stream).toBe(`servant-${registered.servant.id}`);
  });

  it('serves the read models built from the KurrentDB subscription', async (ctx) => {
    const api = live(ctx);
    await api.app.readModel.waitFor(await api.head(), 20_000);
    const stats = must(await api.gql(Q.certificationStats, { municipality: 'Tijuana' })).certificationStats;
    expect(stats).toMatchObject({ certifiedServants: 2, validCertificates: 2 });
    expect(must(await api.gql(Q.verifyCertificate, { folio: folios[0] })).verifyCertificate).toMatchObject({ found: true, status: 'VALID', standardCode: 'EC0105', municipality: 'Tijuana' });
    expect(must(await api.gql(Q.verifyCertificate, { folio: folios[1] })).verifyCertificate).toMatchObject({ found: true, status: 'REVOKED' });
    const certificate = must(await api.gql(Q.certificate, { folio: folios[0] }, admin)).certificate;
    expect(certificate).toMatchObject({ status: 'VALID', ceremony: 'Entrega de constancias' });
    expect(certificate.deliveredAt).toMatch(/^\d{4}-/);
    const ranking = must(await api.gql(Q.ranking, { first: 5 })).ranking;
    expect(ranking.map((row: { municipality: string; certifiedServants: number }) => [row.municipality, row.certifiedServants])).toEqual([
      ['Tijuana', 2],
      ['Mexicali', 1],
    ]);
    const standards = must(await api.gql(Q.standards)).standards;
    expect(Object.fromEntries(standards.map((s: { code: string; certifiedCount: number }) => [s.code, s.certifiedCount]))).toEqual({ EC0105: 2, EC0217: 1 });
    const servants = must(await api.gql(Q.servants, { filter: { municipality: 'Tijuana', nameContains: 'angeles' }, first: 10 }, admin)).servants;
    expect(servants.totalCount).toBe(3);
    // Every projection has reached the head of the KurrentDB log.
    const head = String(await api.head());
    for (const projection of must(await api.gql(Q.projections, {}, admin)).projections) expect(projection).toMatchObject({ position: head, lag: 0 });
  });

  it('audits the KurrentDB log: stream history with its hash chain, and integrity over the whole log', async (ctx) => {
    const api = live(ctx);
    const servantId = (await api.app.readModel.certificatesByFolios([folios[0]], new Date()))[0]!.servantId;
    const history = must(await api.gql(Q.streamHistory, { streamId: `servant-${servantId}` }, auditor)).streamHistory;
    expect(history[0]).toMatchObject({ type: 'ServantRegistered', revision: 0, previousHash: null });
    const integrity = must(await api.gql(Q.verifyIntegrity, {}, auditor)).verifyIntegrity;
    expect(integrity).toMatchObject({ ok: true, brokenStreamId: null });
    expect(integrity.checkedEvents).toBe(ourRecords().length);
  });

  it('keeps the transparency tree over the KurrentDB log: proofs over HTTP and an export that the separate verifier accepts', async (ctx) => {
    const api = live(ctx);
    await api.app.readModel.waitFor(await api.head(), 20_000);
    const key = (await (await fetch(`${api.origin}/log/key`)).text()).trim();
    const events = await api.app.store.readAll({ limit: 10_000 });
    // What the checkpoint keeper does on its timer: sign the tree as it now stands.
    await api.app.transparency.signCheckpoint();
    const first = must(await api.gql(`{ logCheckpoint { treeSize rootHash signedNote } }`, {}, null)).logCheckpoint;
    expect(first.treeSize).toBe(String(events.length));
    const inclusion = `query($p: String!) { inclusionProof(position: $p) { position leafIndex treeSize leaf hashes checkpoint { signedNote } } }`;
    for (const [index, event] of events.entries()) {
      const proof = must(await api.gql(inclusion, { p: String(event.position) }, auditor)).inclusionProof;
      expect(proof.leafIndex).toBe(String(index));
      expect(verifyInclusionAnswer(proof, key).size).toBe(BigInt(events.length));
    }
    must(await api.gql(M.registerServant, { input: { curp: nextCurp(), fullName: 'Ana Luz Ñuñez', ...MEXICALI, department: 'Catastro', regime: 'CONFIANZA', unionized: false } }, admin));
    await api.app.readModel.waitFor(await api.head(), 20_000);
    await api.app.transparency.signCheckpoint();
    const consistency = must(
      await api.gql(`query($from: String!) { consistencyProof(fromSize: $from) { fromSize toSize hashes checkpoint { signedNote } } }`, { from: first.treeSize }, auditor),
    ).consistencyProof;
    expect(consistency.toSize).toBe(String(events.length + 1));
    expect(verifyConsistencyAnswer(consistency, first.signedNote, key).now.size).toBe(BigInt(events.length + 1));
    // The events as exported recompute the root the first checkpoint signed.
    const lines = ['{"format":"acredita-audit-export","version":1,"complete":true}', ...(await api.app.store.readAll({ limit: 10_000 })).map(exportLine)];
    expect(await verifyExportAgainst(lines, { size: BigInt(first.treeSize), root: Buffer.from(first.rootHash, 'base64') })).toBe(BigInt(events.length + 1));
  });

  it('rebuilds every read model from the KurrentDB log to the same answers', async (ctx) => {
    const api = live(ctx);
    await api.app.readModel.waitFor(await api.head(), 20_000);
    const answers = async () => ({
      stats: await api.app.readModel.certificationStats({ municipality: 'Tijuana' }, new Date()),
      servants: await api.app.readModel.servants({ municipality: 'Tijuana' }, { size: 20 }),
      certificates: await api.app.readModel.certificatesByFolios(folios, new Date()),
    });
    const before = await answers();
    const result = await rebuildProjections({
      store: api.app.store,
      db: api.app.projectionDb,
      dialect: api.app.readStore.dialect,
      projections: api.app.projections,
      writeLock: api.app.writeLock,
    });
    expect(result.events).toBe(ourRecords().length);
    expect(result.position).toBe(await api.head());
    expect(await answers()).toEqual(before);
    // The rebuilt tree still extends what was signed before.
    const size = (await api.app.transparency.treeHead()).size;
    expect((await api.app.transparency.signCheckpoint()).size).toBe(size);
  });
});

