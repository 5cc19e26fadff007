/**
 * The printable certificate: A4 landscape, PDF standard fonts (Helvetica's
 * WinAnsi encoding carries every Spanish accent and ñ, and every viewer has
 * them), the folios, the standard, the dates, the body, and a QR code of the
 * public verification page.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { CredentialFacts, IssuerProfile } from './open-badge.js';
import { verifyPageUrl } from './open-badge.js';

/** Dates on the PDF and the page are the deployment's local dates (the demo's city hall). */
export const DISPLAY_TIME_ZONE = 'America/Tijuana';
const DATE = new Intl.DateTimeFormat('es-MX', { day: 'numeric', month: 'long', year: 'numeric', timeZone: DISPLAY_TIME_ZONE });
export const formatDateEs = (iso: string): string => DATE.format(new Date(iso));

export async function certificatePdf(facts: CredentialFacts, issuer: IssuerProfile): Promise<Buffer> {
  const verifyUrl = verifyPageUrl(issuer.baseUrl, facts.folio);
  const qr = await QRCode.toBuffer(verifyUrl, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 48,
    info: { Title: `Certificado ${facts.folio}`, Author: issuer.name, Subject: `${facts.standard.code} ${facts.standard.title}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const width = doc.page.width - 96;
  doc.rect(24, 24, doc.page.width - 48, doc.page.height - 48).lineWidth(2).stroke('#1f4e79');
  doc.fillColor('#1f4e79').font('Helvetica-Bold').fontSize(26).text('Certificado de Competencia Laboral', 48, 64, { width, align: 'center' });
  doc.fillColor('#333').font('Helvetica').fontSize(12).text(issuer.name, { width, align: 'center' });
  doc.moveDown(2).fontSize(13).text('Se certifica que', { width, align: 'center' });
  doc.moveDown(0.4).fillColor('#000').font('Helvetica-Bold').fontSize(22).text(facts.holder.fullName, { width, align: 'center' });
  doc.moveDown(0.6).fillColor('#333').font('Helvetica').fontSize(13).text('demostró ser competente en el Estándar de Competencia', { width, align: 'center' });
  doc.moveDown(0.4).fillColor('#000').font('Helvetica-Bold').fontSize(16).text(`${facts.standard.code} ${facts.standard.title}`, { width, align: 'center' });
  doc.moveDown(0.3).fillColor('#333').font('Helvetica').fontSize(12).text(`Nivel de competencia ${facts.standard.level}`, { width, align: 'center' });

  const top = doc.page.height - 200;
  const lines = [
    ['Folio CONOCER', facts.folio],
    ...(facts.printedFolio ? [['Folio impreso', facts.printedFolio]] : []),
    ['Fecha de emisión', formatDateEs(facts.issuedAt)],
    ['Vigencia', facts.validUntil ? `hasta el ${formatDateEs(facts.validUntil)}` : 'sin vencimiento'],
  ];
  let y = top;
  for (const [label, value] of lines) {
    doc.font('Helvetica-Bold').fontSize(11).fillColor('#000').text(`${label}: `, 64, y, { continued: true }).font('Helvetica').text(value!);
    y += 18;
  }
  doc.image(qr, doc.page.width - 64 - 120, top - 20, { width: 120 });
  doc.font('Helvetica').fontSize(8).fillColor('#333').text('Verifique este certificado:', doc.page.width - 64 - 200, top + 104, { width: 200, align: 'right' });
  doc.text(verifyUrl, { width: 200, align: 'right' });
  doc.end();
  return done;
}
