/**
 * docs/verify-credential.mjs as a holder would run it, offline: the saved
 * credential, the saved DID document and the saved status list, after the
 * server is gone. Exit 0 for a good one, 1 for a tampered or revoked one, 2
 * for bad usage.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M } from '../graphql/support/documents.js';
import { startCredentialsApi } from './support.js';

const SCRIPT = new URL('../../docs/verify-credential.mjs', import.meta.url).pathname;

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: new URL('../..', import.meta.url).pathname }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

describe('docs/verify-credential.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acredita-verify-credential-'));
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));
    return path;
  };
  const paths: Record<string, string> = {};

  beforeAll(async () => {
    const api = (await startCredentialsApi('sqlite'))!;
    try {
      await api.certify('UTT-EC0105-2018-0500');
      await api.certify('UTT-EC0105-2018-0501', 'José Ángel Peña');
      await api.admin(M.revokeCertificate, { folio: 'UTT-EC0105-2018-0501', reason: 'Evidencia apócrifa' });
      const get = async (path: string) => (await (await fetch(`${api.origin}${path}`)).json()) as Record<string, unknown>;
      const good = await get('/credentials/UTT-EC0105-2018-0500');
      paths.good = file('good.json', good);
      paths.revoked = file('revoked.json', await get('/credentials/UTT-EC0105-2018-0501'));
      paths.tampered = file('tampered.json', { ...good, validUntil: '2099-01-01T00:00:00.000Z' });
      paths.did = file('did.json', await get('/.well-known/did.json'));
      paths.status = file('status.json', await get('/credentials/status/0'));
    } finally {
      // Everything below runs with the server gone.
      await api.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exit 0 for the kept copy, with the saved DID document and status list', async () => {
    const result = await run([paths.good!, '--did', paths.did!, '--status', paths.status!]);
    expect(result.out).toMatch(/^OK: .*UTT-EC0105-2018-0500 signed by did:web:127\.0\.0\.1%3A\d+, valid at .*, not revoked\./);
    expect(result.code).toBe(0);
  });

  it('exit 1 for a tampered copy and for a revoked certificate', async () => {
    const tampered = await run([paths.tampered!, '--did', paths.did!, '--status', paths.status!]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toMatch(/FAILED: .*signature/i);
    const revoked = await run([paths.revoked!, '--did', paths.did!, '--status', paths.status!]);
    expect(revoked.code).toBe(1);
    expect(revoked.out).toMatch(/^REVOKED: the signature is good/);
  });

  it('exit 1 when the DID document cannot be had (the server is gone), 2 for bad usage', async () => {
    const offline = await run([paths.good!, '--status', paths.status!]);
    expect(offline.code).toBe(1);
    expect(offline.out).toMatch(/FAILED/);
    expect((await run([])).code).toBe(2);
    expect((await run([paths.good!, '--did', paths.did!, '--at', 'yesterday'])).code).toBe(2);
  });
});
