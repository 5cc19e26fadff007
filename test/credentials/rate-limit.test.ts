/**
 * Folio look-ups over HTTP draw from the caller's PUBLIC_RATE_LIMIT bucket, the one
 * verifyCertificate draws from: past the burst, 429 RATE_LIMITED with
 * Retry-After; the status list and the DID document stay open to verifiers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCredentialsApi, type CredentialsApi } from './support.js';

describe('credential routes under PUBLIC_RATE_LIMIT', () => {
  let api: CredentialsApi;
  const folio = 'UTT-EC0105-2018-0400';
  beforeAll(async () => {
    // A slow refill: the burst is all a client gets during the test.
    api = (await startCredentialsApi('sqlite', { publicRateLimit: { perMinute: 1, burst: 4 } }))!;
    await api.certify(folio);
  }, 60_000);
  afterAll(async () => api?.close());

  it('answers the burst, then 429 with Retry-After for every folio route; status list and DID document still answer', async () => {
    const paths = [`/credentials/${folio}`, `/credentials/${folio}.jwt`, `/certificates/${folio}.pdf`, `/verify/${folio}`];
    for (const path of paths) expect((await fetch(`${api.origin}${path}`)).status, path).toBe(200);
    for (const path of [...paths, '/verify/NO-SUCH-FOLIO']) {
      const response = await fetch(`${api.origin}${path}`);
      expect(response.status, path).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await response.json()) as { code: string }).code).toBe('RATE_LIMITED');
    }
    expect((await fetch(`${api.origin}/credentials/status/0`)).status).toBe(200);
    expect((await fetch(`${api.origin}/.well-known/did.json`)).status).toBe(200);
  });
});

describe('one bucket per address for every folio look-up, over HTTP and GraphQL alike', () => {
  let api: CredentialsApi;
  const folio = 'UTT-EC0105-2018-0401';
  beforeAll(async () => {
    api = (await startCredentialsApi('sqlite', { publicRateLimit: { perMinute: 1, burst: 4 } }))!;
    await api.certify(folio);
  }, 60_000);
  afterAll(async () => api?.close());

  it('lets the burst through whichever way the guesses come, then refuses both ways', async () => {
    const verify = () => api.gql(`query($folio: String!) { verifyCertificate(folio: $folio) { found } }`, { folio });
    expect((await fetch(`${api.origin}/verify/${folio}`)).status).toBe(200);
    expect((await verify()).data?.verifyCertificate.found).toBe(true);
    expect((await fetch(`${api.origin}/credentials/${folio}`)).status).toBe(200);
    expect((await verify()).data?.verifyCertificate.found).toBe(true);
    expect((await fetch(`${api.origin}/verify/${folio}`)).status).toBe(429);
    expect((await verify()).errors?.[0].extensions.code).toBe('RATE_LIMITED');
  });
});
