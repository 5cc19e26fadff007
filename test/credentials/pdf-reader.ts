/** Reads a PDF back with Mozilla's pdf.js: the first page's text and images, and the page count. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

const require = createRequire(import.meta.url);
// jsqr is CommonJS; its types describe an ES default export, which Node hands over as module.exports itself.
type JsQR = typeof jsQRModule.default;
export const jsQR: JsQR = (jsQRModule as unknown as { default?: JsQR }).default ?? (jsQRModule as unknown as JsQR);
const STANDARD_FONTS = `${join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

export interface PdfImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
  kind: number;
}

/** RGBA pixels of a pdf.js image (kinds: 1 = 1 bit gray, 2 = RGB, 3 = RGBA). */
export function rgba(image: PdfImage): Uint8ClampedArray {
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

export async function parsePdf(bytes: Uint8Array): Promise<{ text: string; images: PdfImage[]; pages: number }> {
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
