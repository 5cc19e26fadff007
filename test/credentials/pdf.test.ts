/**
 * The printable certificate parsed back with Mozilla's pdf.js: its text holds
 * the holder, the folio, the standard (accents intact), the dates and the
 * body; its QR code, decoded from the image's pixels with jsQR, is the
 * verification page's URL, and that page answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsQR, parsePdf, rgba } from './pdf-reader.js';
import { ISSUER_NAME, STANDARD, startCredentialsApi, type CredentialsApi } from './support.js';

describe('certificate PDF', () => {
  let api: CredentialsApi;
  const folio = 'UTT-EC0105-2018-0150';

  beforeAll(async () => {
    api = (await startCredentialsApi('sqlite'))!;
    await api.certify(folio, 'María de los Ángeles Ortiz Núñez');
  }, 60_000);
  afterAll(async () => api?.close());

  it('prints the holder, the folio, the standard with its accents, the dates and the body, on one page', async () => {
    const response = await fetch(`${api.origin}/certificates/${folio}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain(`certificado-${folio}.pdf`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const { text, pages } = await parsePdf(bytes);
    expect(pages).toBe(1);
    for (const expected of [
      'Certificado de Competencia Laboral',
      'María de los Ángeles Ortiz Núñez',
      folio,
      `${STANDARD.code} ${STANDARD.title}`,
      `Nivel de competencia ${STANDARD.level}`,
      ISSUER_NAME,
      'Fecha de emisión',
      'Vigencia',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('carries a QR code that decodes to the verification page, which answers for this folio', async () => {
    const bytes = new Uint8Array(await (await fetch(`${api.origin}/certificates/${folio}.pdf`)).arrayBuffer());
    const { images } = await parsePdf(bytes);
    expect(images.length).toBeGreaterThanOrEqual(1);
    const decoded = images.map((image) => jsQR(rgba(image), image.width, image.height)).find((code) => code !== null);
    expect(decoded?.data).toBe(`${api.origin}/verify/${folio}`);
    const page = await fetch(decoded!.data);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(folio);
  });

  it('answers 404 for an unknown folio and 400 for a malformed one', async () => {
    expect((await fetch(`${api.origin}/certificates/NO-SUCH-FOLIO.pdf`)).status).toBe(404);
    const bad = await fetch(`${api.origin}/certificates/bad%20folio.pdf`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('BAD_USER_INPUT');
  });
});
