/**
 * The printable certificate parsed back with Mozilla's pdf.js: its text holds
 * the holder, the folio, the standard (accents intact), the dates and the
 * body; its QR code, decoded from the image's pixels with jsQR, is the
 * verification page's URL, and that page answers.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISSUER_NAME, STANDARD, startCredentialsApi, type CredentialsApi } from './support.js';

const require = createRequire(import.meta.url);
// jsqr is CommonJS; its types describe an ES default export, which Node hands over as module.exports itself.
type JsQR = typeof jsQRModule.default;
const jsQR: JsQR = (jsQRModule as unknown as { default?: JsQR }).default ?? (jsQRModule as unknown as JsQR);
const STANDARD_FONTS = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

interface PdfImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  kind: number;
}

/** RGBA pixels of a pdf.js image (kinds: 1 = 1 bit gray, 2 = RGB, 3 = RGBA). */
function rgba(image: PdfImage): Uint8ClampedArray {
  const pixels = image.width * image.height;
  if (image.kind === 3) return image.data;
  const out = new Uint8ClampedArray(pixels * 4);
  for (let i = 0; i < pixels; i++) {
    let r: number;
    let g: number;
    let b: number;
    if (image.kind === 2) {
      [r, g, b] = [image.data[i * 3]!, image.data[i * 3 + 1]!, image.data[i * 3 + 2]!];
    } else {
      const row = Math.floor(i / image.width);
      const col = i % image.width;
      const byte = image.data[row * Math.ceil(image.width / 8) + (col >> 3)]!;
      r = g = b = (byte >> (7 - (col & 7))) & 1 ? 255 : 0;
    }
    out.set([r, g, b, 255], i * 4);
  }
  return out;
}

async function parsePdf(bytes: Uint8Array): Promise<{ text: string; images: PdfImage[]; pages: number }> {
  const pdf = await getDocument({ data: bytes, standardFontDataUrl: STANDARD_FONTS, verbosity: 0 }).promise;
  const page = await pdf.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
  const operators = await page.getOperatorList();
  const images: PdfImage[] = [];
  for (let i = 0; i < operators.fnArray.length; i++) {
    if (operators.fnArray[i] !== OPS.paintImageXObject) continue;
    const name = operators.argsArray[i][0] as string;
    images.push(await new Promise<PdfImage>((resolve) => page.objs.get(name, resolve)));
  }
  const pages = pdf.numPages;
  await pdf.destroy();
  return { text, images, pages };
}

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
