/**
 * reissueCertificate end to end: a reprint on new paper keeps the CONOCER
 * folio and validity, the certificate shows its printed folio and reprints,
 * verifyCertificate answers either folio and says when a paper was replaced,
 * and a printed folio names one paper only, never a certificate's folio.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { startTestApi, TIJUANA, type TestApi } from './support/api.js';
import { Scenario, expectRefused, must } from './support/scenario.js';

let api: TestApi;
let admin: string;

const REISSUE = `mutation Reissue($input: ReissueCertificateInput!) {
  reissueCertificate(input: $input) { position certificate { id folio printedFolio reissues status validUntil } }
}`;
const VERIFY = `query Verify($folio: String!) { verifyCertificate(folio: $folio) { found folio status printedFolio printedFolioReplaced standardCode } }`;

beforeAll(async () => {
  api = (await startTestApi('sqlite'))!;
  const scenario = await Scenario.start(api);
  admin = await api.token('ADMIN');
  await scenario.publishStandard('EC0105');
  const evaluator = await scenario.accreditEvaluator(['EC0105']);
  await scenario.certifiedServant(TIJUANA, 'EC0105', evaluator.id, 'UTT-EC0105-2026-0001');
  await scenario.certifiedServant(TIJUANA, 'EC0105', evaluator.id, 'UTT-EC0105-2026-0002');
}, 60_000);
afterAll(() => api?.close());

const reissue = (folio: string, printedFolio: string, token = admin, commandId?: string) =>
  api.gql(REISSUE, { input: { folio, printedFolio, reason: 'Perdido en una mudanza', commandId } }, token);
const verify = async (folio: string) => must(await api.gql(VERIFY, { folio })).verifyCertificate;

describe('reissueCertificate', () => {
  it('records the new paper; the folio, status and validity stay', async () => {
    const before = must(await api.gql(`query { certificate(folio: "UTT-EC0105-2026-0001") { validUntil } }`, {}, admin)).certificate;
    const first = must(await reissue('UTT-EC0105-2026-0001', 'PRE-100001', admin, 'reprint-1')).reissueCertificate.certificate;
    expect(first).toMatchObject({ id: 'Certificate:UTT-EC0105-2026-0001', folio: 'UTT-EC0105-2026-0001', printedFolio: 'PRE-100001', reissues: 1, status: 'VALID', validUntil: before.validUntil });
    // The same command again records nothing new.
    const head = await api.head();
    expect(must(await reissue('UTT-EC0105-2026-0001', 'PRE-100001', admin, 'reprint-1')).reissueCertificate.certificate.reissues).toBe(1);
    expect(await api.head()).toBe(head);
  });

  it("counts the reprint in the certification's version, so expectedVersion after it holds", async () => {
    const check = must(await api.gql(`query { certificate(folio: "UTT-EC0105-2026-0001") { servant { id } } }`, {}, admin)).certificate;
    const read = async () =>
      must(await api.gql(`query($id: ID!) { certification(servantId: $id, standardCode: "EC0105") { version } }`, { id: check.servant.id }, admin)).certification;
    const { version } = await read();
    const events = await api.app.store.readStream(`certification-${check.servant.id}-EC0105`);
    expect(version).toBe(events.length);
    expect(events.at(-1)!.type).toBe('CertificateReissued');
  });

  it('verifies by either folio, and says when the paper asked about was replaced', async () => {
    must(await reissue('UTT-EC0105-2026-0001', 'PRE-100002'));
    expect(await verify('UTT-EC0105-2026-0001')).toMatchObject({ found: true, folio: 'UTT-EC0105-2026-0001', printedFolio: 'PRE-100002', printedFolioReplaced: false });
    expect(await verify('PRE-100002')).toMatchObject({ found: true, folio: 'UTT-EC0105-2026-0001', status: 'VALID', printedFolioReplaced: false });
    expect(await verify('PRE-100001')).toMatchObject({ found: true, folio: 'UTT-EC0105-2026-0001', printedFolio: 'PRE-100002', printedFolioReplaced: true });
    expect(await verify('PRE-999999')).toMatchObject({ found: false, printedFolioReplaced: false });
  });

  it('keeps a printed folio to one paper, apart from every CONOCER folio, and lets only ADMIN reprint', async () => {
    const head = await api.head();
    expectRefused(await reissue('UTT-EC0105-2026-0002', 'PRE-100002'), 'CONFLICT');
    expectRefused(await reissue('UTT-EC0105-2026-0002', 'UTT-EC0105-2026-0001'), 'CONFLICT');
    expectRefused(await reissue('UTT-EC0105-2026-0009', 'PRE-200001'), 'NOT_FOUND');
    expectRefused(await reissue('UTT-EC0105-2026-0002', 'PRE 2'), 'BAD_USER_INPUT');
    expectRefused(await reissue('UTT-EC0105-2026-0002', 'PRE-200001', await api.token('REGISTRAR')), 'FORBIDDEN');
    expect(await api.head()).toBe(head);
    must(await reissue('UTT-EC0105-2026-0002', 'PRE-200001'));
  });

  it('refuses a revoked certificate (CERTIFICATE_NOT_DELIVERABLE)', async () => {
    must(await api.gql(`mutation { revokeCertificate(input: { folio: "UTT-EC0105-2026-0002", reason: "Evidencia falsa" }) { position } }`, {}, admin));
    expectRefused(await reissue('UTT-EC0105-2026-0002', 'PRE-200002'), 'BUSINESS_RULE', 'CERTIFICATE_NOT_DELIVERABLE');
  });

  it('reads the same after a rebuild of the read models', async () => {
    const before = [await verify('PRE-100001'), await verify('PRE-100002'), await verify('PRE-200001')];
    const { app } = api;
    const result = await rebuildProjections({ store: app.store, db: app.projectionDb, dialect: app.readStore.dialect, projections: app.projections, names: ['certificates'], writeLock: app.writeLock, batchSize: 3 });
    expect(result.projections).toEqual(['certificates']);
    expect([await verify('PRE-100001'), await verify('PRE-100002'), await verify('PRE-200001')]).toEqual(before);
  });
});
