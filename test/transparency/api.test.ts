/**
 * The transparency log through the real HTTP server, on SQLite and PostgreSQL:
 * logCheckpoint, verifyCertificate { proofs }, inclusionProof,
 * consistencyProof, cosignCheckpoint and /log/checkpoint, /log/key, /log/tile,
 * each answer checked by docs/verify-log.mjs as an outside auditor would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCheckpoint, verifyConsistencyAnswer, verifyInclusionAnswer } from '../../docs/verify-log.mjs';
import { leafHash } from '../../src/transparency/hashing.js';
import { startTestApi, type TestApi } from '../graphql/support/api.js';
import { M } from '../graphql/support/documents.js';
import { must, Scenario, TIJUANA } from '../graphql/support/scenario.js';
import { postgresTestSchema } from '../support/postgres.js';

const probe = await postgresTestSchema();
await probe?.drop();
const backends = probe === null ? (['sqlite'] as const) : (['sqlite', 'postgres'] as const);

const CHECKPOINT = 'origin treeSize rootHash signedNote signedAt';
const PROOF = `position leafIndex treeSize leaf hashes checkpoint { ${CHECKPOINT} }`;
const FOLIO = 'UTT-EC0217-2026-0001';

describe.each(backends)('transparency log over HTTP (%s)', (backend) => {
  let api: TestApi;
  let scenario: Scenario;
  let key: string;
  let firstNote: string;

  beforeAll(async () => {
    api = (await startTestApi(backend))!;
    scenario = await Scenario.start(api);
    await scenario.publishStandard('EC0217');
    const evaluator = await scenario.accreditEvaluator(['EC0217']);
    await scenario.certifiedServant(TIJUANA, 'EC0217', evaluator.id, FOLIO);
    key = (await (await fetch(`${api.origin}/log/key`)).text()).trim();
  }, 120_000);
  afterAll(async () => api?.close());

  it('serves the verifier key and the latest checkpoint, the same through GraphQL and /log/checkpoint', async () => {
    const { logCheckpoint } = must(await api.gql(`{ logCheckpoint { ${CHECKPOINT} } }`, {}, null));
    firstNote = logCheckpoint.signedNote;
    const checked = verifyCheckpoint(firstNote, key);
    expect(String(checked.size)).toBe(logCheckpoint.treeSize);
    expect(checked.root.toString('base64')).toBe(logCheckpoint.rootHash);
    expect(logCheckpoint.origin).toBe(checked.origin);
    const http = await fetch(`${api.origin}/log/checkpoint`);
    expect(http.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await http.text()).toBe(firstNote);
  });

  it("proves the certificate's issuance (and its revocation) to an anonymous caller", async () => {
    const query = `query($folio: String!) { verifyCertificate(folio: $folio) { found proofs { ${PROOF} } } }`;
    const before = must(await api.gql(query, { folio: FOLIO }, null)).verifyCertificate;
    expect(before.proofs).toHaveLength(1);
    verifyInclusionAnswer(before.proofs[0], key);

    await api.gql(M.revokeCertificate, { input: { folio: FOLIO, reason: 'Issued in error' } }, await api.token('ADMIN'));
    const after = must(await api.gql(query, { folio: FOLIO }, null)).verifyCertificate;
    expect(after.proofs).toHaveLength(2);
    for (const proof of after.proofs) verifyInclusionAnswer(proof, key);
    expect(BigInt(after.proofs[1].position)).toBeGreaterThan(BigInt(after.proofs[0].position));
    expect(must(await api.gql(query, { folio: 'UTT-EC0217-2026-9999' }, null)).verifyCertificate).toEqual({ found: false, proofs: [] });
  });

  it('gives auditors inclusion proofs, refuses others, and names bad input', async () => {
    const query = `query($p: String!, $n: String) { inclusionProof(position: $p, treeSize: $n) { ${PROOF} } }`;
    expect((await api.gql(query, { p: '1' }, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await api.gql(query, { p: '1' }, await api.token('REGISTRAR', TIJUANA))).errors?.[0].extensions.code).toBe('FORBIDDEN');
    const auditor = await api.token('AUDITOR');
    const { inclusionProof } = must(await api.gql(query, { p: '1' }, auditor));
    expect(inclusionProof.leafIndex).toBe('0');
    verifyInclusionAnswer(inclusionProof, key);
    const old = must(await api.gql(query, { p: '1', n: verifyCheckpoint(firstNote, key).size.toString() }, auditor)).inclusionProof;
    expect(old.checkpoint.signedNote).toBe(firstNote);
    verifyInclusionAnswer(old, key);
    expect((await api.gql(query, { p: 'one' }, auditor)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'position' });
    expect((await api.gql(query, { p: '1', n: '99999999999999999999' }, auditor)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await api.gql(query, { p: '1', n: '2' }, auditor)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await api.gql(query, { p: '999999' }, auditor)).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('proves to anyone that the log extends an earlier checkpoint', async () => {
    await api.app.transparency.signCheckpoint();
    const from = verifyCheckpoint(firstNote, key).size.toString();
    const { consistencyProof } = must(await api.gql(`query($f: String!) { consistencyProof(fromSize: $f) { fromSize toSize hashes checkpoint { ${CHECKPOINT} } } }`, { f: from }, null));
    expect(BigInt(consistencyProof.toSize)).toBeGreaterThan(BigInt(from));
    expect(verifyConsistencyAnswer(consistencyProof, firstNote, key).old.size.toString()).toBe(from);
    const tooFar = await api.gql(`{ consistencyProof(fromSize: "${Number(consistencyProof.toSize) + 1}") { toSize } }`, {}, null);
    expect(tooFar.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('serves hash tiles in the C2SP layout: the leaves are the events’ hashes', async () => {
    const size = Number(verifyCheckpoint(await (await fetch(`${api.origin}/log/checkpoint`)).text(), key).size);
    expect(size).toBeLessThan(256);
    const tile = await fetch(`${api.origin}/log/tile/0/000.p/${size}`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await tile.arrayBuffer());
    expect(bytes).toHaveLength(32 * size);
    const [first] = await api.app.store.readAll({ limit: 1 });
    expect(bytes.subarray(0, 32).equals(leafHash(Buffer.from(first.hash, 'hex')))).toBe(true);
    for (const path of ['tile/0/000', `tile/0/000.p/${size + 1}`, 'tile/entries/000', 'tile/0/1', 'nothing']) {
      expect((await fetch(`${api.origin}/log/${path}`)).status, path).toBe(404);
    }
  });

  it('accepts cosignatures only by WITNESS_KEYS, and only from auditors or admins', async () => {
    const mutation = `mutation($n: String!) { cosignCheckpoint(signedNote: $n) { signedNote } }`;
    expect((await api.gql(mutation, { n: firstNote }, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const refused = await api.gql(mutation, { n: firstNote }, await api.token('AUDITOR'));
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/no signature by a key in WITNESS_KEYS/), extensions: { code: 'BAD_USER_INPUT' } });
    expect((await api.gql(mutation, { n: 'not a note' }, await api.token('AUDITOR'))).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
