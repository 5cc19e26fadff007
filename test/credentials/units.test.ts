/**
 * The credentials module's parts on their own: the bitstring, the inclusion
 * proof arithmetic (against RFC 6962's definitions, computed here), the
 * settings, did:web, and the document loader, which never reaches the network.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeStatusList, STATUS_LIST_SIZE, statusBit } from '../../src/credentials/bitstring.js';
import { credentialsSettings } from '../../src/credentials/config.js';
import { createDocumentLoader } from '../../src/credentials/document-loader.js';
import { didDocument, didWebFor, normalisePublicBaseUrl } from '../../src/credentials/did-web.js';
import { loadIssuerKeys } from '../../src/credentials/issuer-keys.js';
import { buildOpenBadgeCredential } from '../../src/credentials/open-badge.js';
import { inclusionLeadsTo } from '../../src/credentials/proofs.js';
import { CredentialSigner } from '../../src/credentials/signing.js';

describe('bitstring status list', () => {
  it('sets bit i as the (i mod 8)-th most significant bit of byte floor(i / 8), in a 16 KiB GZIP list', () => {
    const encoded = encodeStatusList([0, 9, STATUS_LIST_SIZE - 1]);
    expect(encoded.startsWith('u')).toBe(true);
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    expect(bits.length).toBe(16_384);
    expect(bits[0]).toBe(0x80);
    expect(bits[1]).toBe(0x40);
    expect(bits[bits.length - 1]).toBe(0x01);
    expect(bits.subarray(2, bits.length - 1).every((byte) => byte === 0)).toBe(true);
    expect([0, 1, 9, 10, STATUS_LIST_SIZE - 1].map((i) => statusBit(encoded, i))).toEqual([true, false, true, false, true]);
  });

  it('refuses indexes outside the list and values that are not multibase base64url', () => {
    expect(() => encodeStatusList([STATUS_LIST_SIZE])).toThrow(RangeError);
    expect(() => encodeStatusList([-1])).toThrow(RangeError);
    expect(() => statusBit(encodeStatusList([]), STATUS_LIST_SIZE)).toThrow(RangeError);
    expect(() => statusBit('zabc', 0)).toThrow(/multibase/);
  });
});

describe('inclusion proofs (RFC 9162 verification against RFC 6962 trees built here)', () => {
  const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
  const leafHash = (leaf: Buffer) => sha(Buffer.from([0]), leaf);
  // RFC 6962 section 2.1: k is the largest power of two smaller than n.
  const split = (n: number) => 2 ** Math.floor(Math.log2(n - 1));
  const mth = (leaves: Buffer[]): Buffer =>
    leaves.length === 1 ? leafHash(leaves[0]!) : sha(Buffer.from([1]), mth(leaves.slice(0, split(leaves.length))), mth(leaves.slice(split(leaves.length))));
  const path = (m: number, leaves: Buffer[]): Buffer[] => {
    if (leaves.length === 1) return [];
    const k = split(leaves.length);
    return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
  };

  it('accepts every leaf of every tree up to 33 leaves, and refuses a changed leaf, path, index or root', () => {
    for (let size = 1; size <= 33; size++) {
      const leaves = Array.from({ length: size }, () => randomBytes(32));
      const root = mth(leaves);
      for (let index = 0; index < size; index++) {
        const proof = path(index, leaves);
        expect(inclusionLeadsTo(index, size, leaves[index]!, proof, root), `${index}/${size}`).toBe(true);
        expect(inclusionLeadsTo(index, size, randomBytes(32), proof, root)).toBe(false);
        if (proof.length > 0) {
          const bent = proof.map((hash, i) => (i === 0 ? randomBytes(32) : hash));
          expect(inclusionLeadsTo(index, size, leaves[index]!, bent, root)).toBe(false);
        }
        if (size > 1) expect(inclusionLeadsTo((index + 1) % size, size, leaves[index]!, proof, root)).toBe(false);
        expect(inclusionLeadsTo(index, size, leaves[index]!, proof, randomBytes(32))).toBe(false);
      }
      expect(inclusionLeadsTo(size, size, leaves[0]!, [], root)).toBe(false);
    }
  });
});

describe('settings', () => {
  const dirs: string[] = [];
  const context = (production: boolean) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'acredita-credentials-settings-'));
    dirs.push(dataDir);
    return { production, dataDir, host: '127.0.0.1', port: 4000 };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('in dev, makes issuer.key once in the data folder (mode 600) and uses it again', () => {
    const ctx = context(false);
    const first = credentialsSettings({}, ctx);
    const second = credentialsSettings({}, ctx);
    expect(first.problems).toEqual([]);
    expect(first.settings!.issuerKey.equals(second.settings!.issuerKey)).toBe(true);
    expect(statSync(join(ctx.dataDir, 'issuer.key')).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(join(ctx.dataDir, 'issuer.key'), 'utf8').trim(), 'base64')).toEqual(first.settings!.issuerKey);
    expect(first.settings!.publicBaseUrl).toBe('http://127.0.0.1:4000');
    expect(first.warnings.join('\n')).toMatch(/ISSUER_KEY is not set/);
  });

  it('in production, requires ISSUER_KEY; names every bad variable and never echoes the key', () => {
    expect(credentialsSettings({}, context(true)).problems).toEqual([expect.stringMatching(/^ISSUER_KEY: required when NODE_ENV=production/)]);
    const secret = 'not-a-key-but-secret-looking-0123456789';
    const bad = credentialsSettings(
      { ISSUER_KEY: secret, PUBLIC_BASE_URL: 'https://acredita.example.gob.mx/acredita', ISSUER_RETIRED_KEYS: 'z6MkTooShort' },
      context(true),
    );
    expect(bad.settings).toBeNull();
    expect(bad.problems.map((p) => p.split(':')[0])).toEqual(['PUBLIC_BASE_URL', 'ISSUER_RETIRED_KEYS', 'ISSUER_KEY']);
    expect(bad.problems.join('\n')).not.toContain(secret);
    const good = credentialsSettings(
      { ISSUER_KEY: randomBytes(32).toString('hex'), PUBLIC_BASE_URL: 'https://acredita.example.gob.mx/', ISSUER_NAME: 'UTT' },
      context(true),
    );
    expect(good.problems).toEqual([]);
    expect(good.settings).toMatchObject({ publicBaseUrl: 'https://acredita.example.gob.mx', issuerName: 'UTT', retiredIssuerKeys: [] });
  });

  it('did:web from the base URL: the host, a port percent-encoded; paths refused', () => {
    expect(didWebFor('https://acredita.example.gob.mx')).toBe('did:web:acredita.example.gob.mx');
    expect(didWebFor('http://127.0.0.1:4000')).toBe('did:web:127.0.0.1%3A4000');
    expect(() => normalisePublicBaseUrl('ftp://x.example')).toThrow(/https/);
    expect(() => normalisePublicBaseUrl('https://x.example/path')).toThrow(/origin only/);
    expect(() => normalisePublicBaseUrl('not a url')).toThrow(/absolute/);
  });
});

describe('keys and the document loader', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('refuses a retired key that is not an Ed25519 publicKeyMultibase', async () => {
    await expect(loadIssuerKeys('did:web:x.example', randomBytes(32), ['z6MkNotAKey'])).rejects.toMatchObject({ code: 'ISSUER_KEY_INVALID' });
    await expect(loadIssuerKeys('did:web:x.example', randomBytes(31))).rejects.toMatchObject({ code: 'ISSUER_KEY_INVALID' });
  });

  it('signs and verifies with fetch unusable, and refuses any URL it does not hold', async () => {
    const fetchSpy = vi.fn(async () => {
      throw new Error('network is off');
    });
    vi.stubGlobal('fetch', fetchSpy);
    const did = didWebFor('https://acredita.example.gob.mx');
    const keys = await loadIssuerKeys(did, randomBytes(32));
    const signer = new CredentialSigner(keys);
    const credential = buildOpenBadgeCredential(
      {
        folio: 'UTT-EC0105-2018-0001',
        printedFolio: 'A-0001',
        issuedAt: '2018-09-18T17:00:00.000Z',
        validUntil: null,
        standard: { code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, validityYears: null },
        holder: { fullName: 'María Núñez', curp: 'GOPE800101HBCRRN09' },
        salt: 'aa',
        status: { list: 0, index: 0 },
      },
      { did, name: 'UTT', baseUrl: 'https://acredita.example.gob.mx' },
    );
    expect(credential).toMatchObject({ printedFolio: 'A-0001' });
    expect(credential).not.toHaveProperty('validUntil');
    const signed = await signer.sign(credential, '2018-09-18T17:00:00.000Z');
    expect(await signer.verifySignature(signed)).toEqual({ verified: true, error: null });
    expect(fetchSpy).not.toHaveBeenCalled();

    const loader = createDocumentLoader([didDocument(keys)]);
    await expect(loader('https://example.com/context.json')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_BUNDLED' });
    await expect(loader(`${did}#z6MkUnknownKey`)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_BUNDLED' });
    const foreign = structuredClone(signed) as Record<string, unknown>;
    foreign['@context'] = [...(foreign['@context'] as string[]), 'https://example.com/extra-context.json'];
    const outcome = await signer.verifySignature(foreign);
    expect(outcome.verified).toBe(false);
    expect(outcome.error).toMatch(/extra-context|not a bundled context/i);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
