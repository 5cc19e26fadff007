/**
 * The public verification page in headless Chromium: a valid, a revoked, an
 * erased and an unknown folio each show what a citizen needs; the checks
 * (signature, status list, inclusion proof) read as passed; the English
 * toggle works; nothing is asked of another host; it fits a phone's width.
 * Needs Debian's chromium at /usr/bin/chromium: outside CI the suite says so
 * and skips; under CI=true it fails instead (.ci/run installs chromium).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M } from '../graphql/support/documents.js';
import { HeadlessPage, chromiumAvailable } from '../support/chromium.js';
import { ISSUER_NAME, STANDARD, startCredentialsApi, type CredentialsApi } from './support.js';

const hasChromium = chromiumAvailable('verification page');

describe.runIf(hasChromium)('verification page in Chromium', () => {
  let api: CredentialsApi;
  let page: HeadlessPage;
  const valid = 'UTT-EC0105-2018-0201';
  const revoked = 'UTT-EC0105-2018-0202';
  const erased = 'UTT-EC0105-2018-0203';

  beforeAll(async () => {
    api = (await startCredentialsApi('sqlite'))!;
    await api.certify(valid, 'María de los Ángeles Ortiz Núñez');
    await api.certify(revoked, 'José Ángel Peña');
    const gone = await api.certify(erased, 'Rocío Ibáñez');
    await api.admin(M.revokeCertificate, { folio: revoked, reason: 'Evidencia apócrifa' });
    await api.admin(M.erasePersonalData, { servantId: gone.servantId, reason: 'Solicitud ARCO 2026-18' });
    // What the checkpoint keeper does in `serve`: sign the tree as it stands.
    await api.app.runner.waitFor(await api.app.store.headPosition());
    await api.app.transparency.signCheckpoint();
    page = await HeadlessPage.launch();
    await page.phone();
  }, 90_000);
  afterAll(async () => {
    await page?.close();
    await api?.close();
  });

  const onlyOurOrigin = () => {
    const elsewhere = page.requests.filter((url) => !url.startsWith(api.origin) && !url.startsWith('data:') && url !== 'about:blank');
    expect(elsewhere).toEqual([]);
  };

  it('a valid certificate: Vigente, the holder, the standard, every check passed, the downloads and LinkedIn', async () => {
    await page.open(`${api.origin}/verify/${valid}`);
    expect(await page.evaluate('document.documentElement.lang')).toBe('es');
    expect(await page.text('#status')).toBe('Vigente');
    expect(await page.text('#holder')).toBe('María de los Ángeles Ortiz Núñez');
    expect(await page.text('#standard')).toBe(`${STANDARD.code} ${STANDARD.title}`);
    expect(await page.text('#folio')).toBe(valid);
    expect(await page.evaluate('document.body.innerText')).toContain(ISSUER_NAME);
    expect(await page.text('#check-signature')).toContain('✔ correcta');
    expect(await page.text('#check-status')).toMatch(/✔ correcta, ✔ no revocada/);
    expect(await page.text('#check-proof')).toMatch(/✔ correcta \(evento \d+ de un árbol de \d+\)/);
    const links = await page.evaluate<Record<string, string>>(
      `Object.fromEntries([...document.querySelectorAll('a[id]')].map((a) => [a.id, a.href]))`,
    );
    expect(links['download-credential']).toBe(`${api.origin}/credentials/${valid}`);
    expect(links['download-pdf']).toBe(`${api.origin}/certificates/${valid}.pdf`);
    const linkedIn = new URL(links.linkedin!);
    expect(linkedIn.origin + linkedIn.pathname).toBe('https://www.linkedin.com/profile/add');
    expect(Object.fromEntries(linkedIn.searchParams)).toMatchObject({
      startTask: 'CERTIFICATION_NAME',
      name: `${STANDARD.code} ${STANDARD.title}`,
      organizationName: ISSUER_NAME,
      certId: valid,
      certUrl: `${api.origin}/verify/${valid}`,
    });
    // The credential the page links to is the one the server serves.
    expect((await fetch(links['download-credential']!)).status).toBe(200);
    // Readable on a phone: nothing wider than the 360 px viewport.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    onlyOurOrigin();
  });

  it('switches to English and back', async () => {
    await page.open(`${api.origin}/verify/${valid}`);
    await page.click('#language');
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    expect(await page.text('#status')).toBe('Valid');
    expect(await page.text('#check-signature')).toContain('✔ valid');
    await page.click('#language');
    expect(await page.text('#status')).toBe('Vigente');
  });

  it('a revoked certificate: Revocado, and the status list reads revoked', async () => {
    await page.open(`${api.origin}/verify/${revoked}`);
    expect(await page.text('#status')).toBe('Revocado');
    expect(await page.text('#check-status')).toContain('✘ revocada');
    expect(await page.text('#check-signature')).toContain('✔ correcta');
    expect(await page.evaluate('document.body.innerText')).toContain('Revocado el');
  });

  it('an erased holder: validity shown, no name, no credential download', async () => {
    await page.open(`${api.origin}/verify/${erased}`);
    expect(await page.text('#status')).toBe('Vigente');
    expect(await page.text('#holder')).toBeNull();
    const body = await page.evaluate<string>('document.body.innerText');
    expect(body).not.toContain('Rocío');
    expect(body).not.toContain('Ibáñez');
    expect(await page.text('#erased')).toContain('eliminados');
    expect(await page.text('#valid-until')).toMatch(/\d{4}/);
    expect(await page.evaluate('document.querySelector("#download-credential")')).toBeNull();
    expect(await page.text('#check-status')).toContain('✔ no revocada');
  });

  it('an unknown folio: No encontrado, with what to check', async () => {
    await page.open(`${api.origin}/verify/UTT-EC0105-1999-9999`);
    expect(await page.text('#status')).toBe('No encontrado');
    expect(await page.text('#message')).toContain('UTT-EC0105-1999-9999');
    const status = (await fetch(`${api.origin}/verify/UTT-EC0105-1999-9999`)).status;
    expect(status).toBe(404);
    onlyOurOrigin();
  });
});
