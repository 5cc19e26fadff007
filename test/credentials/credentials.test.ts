/**
 * Every certificate is a signed Open Badges 3.0 credential: served over HTTP,
 * verified by a verifier written apart (test/credentials/verifier.ts) with the
 * network off, valid against 1EdTech's JSON Schema, revocable through the
 * status list, served as a VC-JWT, still verifying after a key rotation and
 * after the holder's data is erased. On SQLite and PostgreSQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { importJWK, jwtVerify, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCredentialService } from '../../src/credentials/setup.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { M } from '../graphql/support/documents.js';
import { BACKENDS } from '../graphql/support/api.js';
import { must } from '../graphql/support/scenario.js';
import { ISSUER_NAME, STANDARD, startCredentialsApi, type CredentialsApi } from './support.js';
import { TestVerifier } from './verifier.js';

const schema = JSON.parse(readFileSync(new URL('./fixtures/ob_v3p0_achievementcredential_schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2019.default({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateOb3 = ajv.compile(schema);

const CERTIFICATE_CREDENTIAL = `query($folio: String!) { certificate(folio: $folio) { folio credential } }`;
const VERIFY_LINKS = `query($folio: String!) { verifyCertificate(folio: $folio) { found holderInitials credentialUrl pdfUrl verifyUrl } }`;

async function getJson(url: string): Promise<{ status: number; type: string | null; body: any }> {
  const response = await fetch(url);
  return { status: response.status, type: response.headers.get('content-type'), body: await response.json() };
}

describe.each(BACKENDS)('credentials on %s', (backend) => {
  let api: CredentialsApi;
  let verifier: TestVerifier;
  let holder: { servantId: string; curp: string; fullName: string };
  const folio = `UTT-${backend}-EC0105-2018-0001`;

  beforeAll(async () => {
    const started = await startCredentialsApi(backend);
    if (!started) return;
    api = started;
    verifier = new TestVerifier(api.origin);
    holder = await api.certify(folio);
  }, 60_000);
  afterAll(async () => api?.close());

  it('serves a credential the separate verifier accepts, that matches 1EdTech OB 3.0 JSON Schema and holds no CURP', async (ctx) => {
    if (!api) return ctx.skip();
    const { status, type, body: credential } = await getJson(`${api.origin}/credentials/${folio}`);
    expect(status).toBe(200);
    expect(type).toBe('application/vc+ld+json');

    const valid = validateOb3(credential);
    expect(validateOb3.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    const outcome = await verifier.verify(credential);
    expect(outcome).toMatchObject({ verified: true, error: null, status: { revoked: false, listVerified: true } });
    expect(verifier.refused).toEqual([]);

    expect(credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
    expect(credential.issuer).toMatchObject({ id: `did:web:127.0.0.1%3A${new URL(api.origin).port}`, type: ['Profile'], name: ISSUER_NAME });
    expect(credential.credentialSubject.achievement).toMatchObject({ humanCode: STANDARD.code, name: STANDARD.title, criteria: { narrative: expect.any(String) } });
    expect(credential.credentialSubject.achievement.id).toBe(`${api.origin}/achievements/${STANDARD.code}`);
    expect(credential.folio).toBe(folio);
    expect(credential.proof).toEqual([expect.objectContaining({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' })]);
    // The certificate is valid for the standard's 5 years from issuance.
    const years = (Date.parse(credential.validUntil) - Date.parse(credential.validFrom)) / (365.25 * 86_400_000);
    expect(Math.round(years)).toBe(STANDARD.validityYears);

    // The CURP only as a salted SHA-256; the name in clear.
    const text = JSON.stringify(credential);
    expect(text).not.toContain(holder.curp);
    const [hashed, name] = credential.credentialSubject.identifier;
    expect(hashed).toMatchObject({ identityType: 'nationalIdentityNumber', hashed: true });
    expect(hashed.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(hashed.identityHash).toBe(`sha256$${createHash('sha256').update(holder.curp + hashed.salt).digest('hex')}`);
    expect(name).toMatchObject({ identityType: 'name', hashed: false, identityHash: holder.fullName });

    // Built again on demand, it is the same credential, byte for byte.
    expect((await getJson(`${api.origin}/credentials/${folio}`)).body).toEqual(credential);
  });

  it('refuses a tampered copy: another name, another validity, another achievement', async (ctx) => {
    if (!api) return ctx.skip();
    const { body: credential } = await getJson(`${api.origin}/credentials/${folio}`);
    const renamed = structuredClone(credential);
    renamed.credentialSubject.identifier[1].identityHash = 'Otra Persona';
    const extended = structuredClone(credential);
    extended.validUntil = '2099-01-01T00:00:00Z';
    const upgraded = structuredClone(credential);
    upgraded.credentialSubject.achievement.humanCode = 'EC0217';
    for (const tampered of [renamed, extended, upgraded]) {
      const outcome = await verifier.verify(tampered);
      expect(outcome.verified).toBe(false);
      expect(outcome.error).toMatch(/signature/i);
    }
  });

  it('answers unknown folios 404, bad ones 400 with a code, other methods 405', async (ctx) => {
    if (!api) return ctx.skip();
    expect(await getJson(`${api.origin}/credentials/NO-SUCH-FOLIO`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await getJson(`${api.origin}/credentials/NO-SUCH-FOLIO.jwt`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await getJson(`${api.origin}/credentials/bad%20folio`)).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
    expect(await getJson(`${api.origin}/credentials/%E0%A4%A`)).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
    expect(await getJson(`${api.origin}/credentials/status/x1`)).toMatchObject({ status: 400, body: { code: 'BAD_USER_INPUT' } });
    expect(await getJson(`${api.origin}/credentials/status/7`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await getJson(`${api.origin}/achievements/EC9999`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const posted = await fetch(`${api.origin}/credentials/${folio}`, { method: 'POST' });
    expect(posted.status).toBe(405);
    // The credential is still served: nothing was lost.
    expect((await getJson(`${api.origin}/credentials/${folio}`)).status).toBe(200);
  });

  it('serves the achievement at its id and the did:web document with the current key', async (ctx) => {
    if (!api) return ctx.skip();
    const achievement = await getJson(`${api.origin}/achievements/${STANDARD.code}`);
    expect(achievement).toMatchObject({ status: 200, body: { id: `${api.origin}/achievements/${STANDARD.code}`, type: ['Achievement'], humanCode: STANDARD.code } });
    const did = await getJson(`${api.origin}/.well-known/did.json`);
    expect(did.status).toBe(200);
    expect(did.body.id).toBe(api.service.issuer.did);
    expect(did.body.verificationMethod).toHaveLength(1);
    expect(did.body.assertionMethod).toEqual([did.body.verificationMethod[0].id]);
  });

  it('serves the same credential as a VC-JWT signed by the key in the DID document', async (ctx) => {
    if (!api) return ctx.skip();
    const response = await fetch(`${api.origin}/credentials/${folio}.jwt`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vc+jwt');
    const jwt = await response.text();
    const header = decodeProtectedHeader(jwt);
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'vc+jwt' });
    const did = (await getJson(`${api.origin}/.well-known/did.json`)).body;
    const method = did.verificationMethod.find((vm: { id: string }) => vm.id === header.kid);
    expect(method).toBeDefined();
    const keyPair = await Ed25519Multikey.from({ ...method, '@context': 'https://w3id.org/security/multikey/v1' });
    const jwk = { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(keyPair.publicKey).toString('base64url') };
    const { payload } = await jwtVerify(jwt, await importJWK(jwk, 'EdDSA'), { typ: 'vc+jwt' });
    const { proof: _proof, ...ld } = (await getJson(`${api.origin}/credentials/${folio}`)).body;
    expect(payload).toEqual(ld);
    // One byte changed in the claims: refused.
    const [h, p, s] = jwt.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.validUntil = '2099-01-01T00:00:00Z';
    await expect(jwtVerify(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`, await importJWK(jwk, 'EdDSA'))).rejects.toThrow(/signature/i);
  });

  it('reads revoked in the status list once the certificate is revoked; the index stays the one the credential carries', async (ctx) => {
    if (!api) return ctx.skip();
    const revokedFolio = `UTT-${backend}-EC0105-2018-0002`;
    await api.certify(revokedFolio, 'José Ángel Peña');
    const before = (await getJson(`${api.origin}/credentials/${revokedFolio}`)).body;
    const kept = await verifier.verify(before);
    expect(kept).toMatchObject({ verified: true, status: { revoked: false } });

    await api.admin(M.revokeCertificate, { folio: revokedFolio, reason: 'Evidencia apócrifa' });
    const after = await verifier.verify(before);
    // The library still says verified; the status read from the list says revoked.
    expect(after.verified).toBe(true);
    expect(after.status).toMatchObject({ revoked: true, listVerified: true });
    const served = (await getJson(`${api.origin}/credentials/${revokedFolio}`)).body;
    expect(served.credentialStatus).toEqual(before.credentialStatus);
    // The first certificate's bit is untouched.
    const first = (await getJson(`${api.origin}/credentials/${folio}`)).body;
    expect((await verifier.verify(first)).status).toMatchObject({ revoked: false });
    expect(first.credentialStatus.statusListIndex).not.toBe(before.credentialStatus.statusListIndex);
    expect(verifier.refused).toEqual([]);
  });

  it('GraphQL: Certificate.credential for signed-in roles in scope; verifyCertificate links', async (ctx) => {
    if (!api) return ctx.skip();
    const served = (await getJson(`${api.origin}/credentials/${folio}`)).body;
    const admin = must(await api.gql(CERTIFICATE_CREDENTIAL, { folio }, await api.token('ADMIN')));
    expect(admin.certificate.credential).toEqual(served);
    const evaluator = must(await api.gql(CERTIFICATE_CREDENTIAL, { folio }, await api.token('EVALUATOR')));
    expect(evaluator.certificate.credential).toEqual(served);
    const registrar = must(await api.gql(CERTIFICATE_CREDENTIAL, { folio }, await api.token('REGISTRAR')));
    expect(registrar.certificate.credential).toEqual(served);
    const elsewhere = must(await api.gql(CERTIFICATE_CREDENTIAL, { folio }, await api.token('REGISTRAR', { municipality: 'Mexicali' })));
    expect(elsewhere.certificate).toBeNull();
    const anonymous = await api.gql(CERTIFICATE_CREDENTIAL, { folio });
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    const links = must(await api.gql(VERIFY_LINKS, { folio }));
    expect(links.verifyCertificate).toEqual({
      found: true,
      holderInitials: 'M. de los Á. O. N.',
      credentialUrl: `${api.origin}/credentials/${folio}`,
      pdfUrl: `${api.origin}/certificates/${folio}.pdf`,
      verifyUrl: `${api.origin}/verify/${folio}`,
    });
    const unknown = must(await api.gql(VERIFY_LINKS, { folio: 'NO-SUCH-FOLIO' }));
    expect(unknown.verifyCertificate).toMatchObject({ found: false, credentialUrl: null, pdfUrl: null, verifyUrl: null });
  });

  it('keeps old credentials verifying after the issuer key is rotated', async (ctx) => {
    if (!api) return ctx.skip();
    const old = (await getJson(`${api.origin}/credentials/${folio}`)).body;
    const oldKey = api.service.signer.keys.current.publicKeyMultibase;
    const rotated = await createCredentialService(
      { ...api.settings, issuerKey: randomBytes(32), retiredIssuerKeys: [oldKey] },
      { readModel: api.app.readModel, db: api.app.readStore.db, masterKey: api.masterKey, clock: { now: () => new Date() } },
    );
    const rotatedDid = rotated.didDocument();
    expect(rotatedDid.verificationMethod.map((vm) => vm.publicKeyMultibase)).toEqual([rotated.signer.keys.current.publicKeyMultibase, oldKey]);
    verifier.pinnedDids.set(rotatedDid.id, JSON.parse(JSON.stringify(rotatedDid)));
    try {
      expect((await verifier.verify(old)).verified).toBe(true);
      const lookup = await rotated.lookup(folio);
      if (lookup.kind !== 'found') throw new Error(lookup.kind);
      const fresh = await rotated.credentialOf(lookup.facts);
      expect(fresh.proof).toEqual([expect.objectContaining({ verificationMethod: rotated.signer.keys.currentKeyId })]);
      expect((await verifier.verify(fresh)).verified).toBe(true);
      // Without the retired key in the document, the old credential no longer verifies.
      verifier.pinnedDids.set(rotatedDid.id, { ...rotatedDid, verificationMethod: rotatedDid.verificationMethod.slice(0, 1), assertionMethod: rotatedDid.assertionMethod.slice(0, 1) });
      expect((await verifier.verify(old)).verified).toBe(false);
    } finally {
      verifier.pinnedDids.clear();
    }
  });

  it('after erasePersonalData: 410 for the credential, JWT and PDF; the status list still answers; the kept copy still verifies', async (ctx) => {
    if (!api) return ctx.skip();
    const erasedFolio = `UTT-${backend}-EC0105-2018-0003`;
    const erased = await api.certify(erasedFolio, 'Rocío Ibáñez');
    const kept = (await getJson(`${api.origin}/credentials/${erasedFolio}`)).body;
    await api.admin(M.erasePersonalData, { servantId: erased.servantId, reason: 'Solicitud ARCO 2026-17' });

    for (const path of [`/credentials/${erasedFolio}`, `/credentials/${erasedFolio}.jwt`, `/certificates/${erasedFolio}.pdf`]) {
      const response = await fetch(`${api.origin}${path}`);
      expect(response.status, path).toBe(410);
      const text = await response.text();
      expect(JSON.parse(text).code).toBe('PERSONAL_DATA_ERASED');
      expect(text).not.toContain('Rocío');
    }
    expect((await fetch(kept.credentialStatus.statusListCredential)).status).toBe(200);
    const outcome = await verifier.verify(kept);
    expect(outcome).toMatchObject({ verified: true, status: { revoked: false } });

    const links = must(await api.gql(VERIFY_LINKS, { folio: erasedFolio }));
    expect(links.verifyCertificate).toEqual({ found: true, holderInitials: null, credentialUrl: null, pdfUrl: null, verifyUrl: `${api.origin}/verify/${erasedFolio}` });
    const page = await fetch(`${api.origin}/verify/${erasedFolio}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('Rocío');
    expect(html).not.toContain('Ibáñez');
    expect(html).toContain('Vigente');
    const admin = must(await api.gql(CERTIFICATE_CREDENTIAL, { folio: erasedFolio }, await api.token('ADMIN')));
    expect(admin.certificate.credential).toBeNull();
  });

  it('an expired certificate (2018, valid 5 years): its signature still verifies as of issuance, not as of today; the page says Vencido', async (ctx) => {
    if (!api) return ctx.skip();
    const expiredFolio = `UTT-${backend}-EC0105-2018-0004`;
    await api.certify(expiredFolio, 'Guadalupe Hernández', '2018-09-18T17:00:00.000Z');
    const credential = (await getJson(`${api.origin}/credentials/${expiredFolio}`)).body;
    expect(credential).toMatchObject({ validFrom: '2018-09-18T17:00:00.000Z', validUntil: '2023-09-18T17:00:00.000Z' });
    expect(validateOb3(credential)).toBe(true);
    const today = await verifier.verify(credential);
    expect(today.verified).toBe(false);
    expect(today.error).toMatch(/validUntil/);
    expect(await verifier.verify(credential, new Date('2019-01-01T00:00:00Z'))).toMatchObject({ verified: true, status: { revoked: false } });
    const page = await (await fetch(`${api.origin}/verify/${expiredFolio}`)).text();
    expect(page).toContain('id="status">Vencido<');
    expect(page).toMatch(/id="check-signature">[^<]*<span class="ok">✔ correcta/);
  });

  it('a rebuild of credential_status, in batches of 2 events, gives every certificate the index and every credential the bytes it had', async (ctx) => {
    if (!api) return ctx.skip();
    const folios = [folio, `UTT-${backend}-EC0105-2018-0002`];
    const served = async () => Promise.all(folios.map(async (f) => (await getJson(`${api.origin}/credentials/${f}`)).body));
    const before = await served();
    const listBefore = (await getJson(`${api.origin}/credentials/status/0`)).body.credentialSubject.encodedList;
    const result = await rebuildProjections({
      store: api.app.store,
      db: api.app.projectionDb,
      dialect: backend,
      projections: api.app.projections,
      names: ['credential_status'],
      writeLock: api.app.writeLock,
      batchSize: 2,
    });
    expect(result.projections).toEqual(['credential_status']);
    expect(await served()).toEqual(before);
    expect((await getJson(`${api.origin}/credentials/status/0`)).body.credentialSubject.encodedList).toBe(listBefore);
  });
});
