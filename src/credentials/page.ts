/**
 * The public verification page, /verify/<folio>: plain server-rendered HTML,
 * in Spanish, in English with ?lang=en. No script and no CDN: one inline
 * stylesheet allowed by its hash, readable on a phone.
 */
import { createHash } from 'node:crypto';
import type { PublicCheck } from './service.js';
import { credentialUrl, pdfUrl, verifyPageUrl } from './open-badge.js';
import { DISPLAY_TIME_ZONE } from './pdf.js';

export type PageLanguage = 'es' | 'en';

const TEXT = {
  es: {
    title: 'Verificación de certificado',
    other: 'English',
    otherLang: 'en',
    status: { VALID: 'Vigente', REVOKED: 'Revocado', EXPIRED: 'Vencido' },
    notFound: (folio: string) => `No encontramos ningún certificado con el folio ${folio}.`,
    notFoundHint: 'Revise el folio impreso en su certificado. Los folios distinguen letras, números y guiones.',
    holder: 'Titular',
    erased: 'Los datos personales del titular fueron eliminados a petición suya. El certificado sigue siendo auténtico.',
    standard: 'Estándar de Competencia',
    level: 'Nivel',
    folio: 'Folio CONOCER',
    printedFolio: 'Folio impreso',
    issued: 'Emitido',
    validUntil: 'Vigente hasta',
    permanent: 'Sin vencimiento',
    revokedAt: 'Revocado el',
    issuer: 'Organismo certificador',
    checks: 'Comprobaciones',
    signature: 'Firma digital de la credencial (eddsa-rdfc-2022)',
    statusList: 'Lista de estado (revocación)',
    notRevoked: 'no revocada',
    revoked: 'revocada',
    proof: 'Prueba de inclusión en la bitácora pública',
    proofOf: (leaf: string, size: string) => `evento ${leaf} de un árbol de ${size}`,
    ok: 'correcta',
    failed: 'no válida',
    unavailable: 'no disponible todavía',
    withheld: 'no se muestra: datos personales eliminados',
    downloads: 'Descargas',
    credential: 'Credencial verificable (Open Badges 3.0, JSON-LD)',
    jwt: 'Credencial como VC-JWT',
    pdf: 'Certificado imprimible (PDF)',
    linkedin: 'Agregar a mi perfil de LinkedIn',
    replaced: (printed: string) => `El folio impreso ${printed} fue reemplazado por una reimpresión: ya no es el documento vigente.`,
    current: (printed: string) => `Folio impreso ${printed}, vigente.`,
    checkedAt: 'Estado consultado el',
  },
  en: {
    title: 'Certificate verification',
    other: 'Español',
    otherLang: 'es',
    status: { VALID: 'Valid', REVOKED: 'Revoked', EXPIRED: 'Expired' },
    notFound: (folio: string) => `No certificate has the folio ${folio}.`,
    notFoundHint: 'Check the folio printed on the certificate. Folios hold letters, digits and hyphens.',
    holder: 'Holder',
    erased: "The holder's personal data was erased at their request. The certificate is still genuine.",
    standard: 'Competency standard',
    level: 'Level',
    folio: 'CONOCER folio',
    printedFolio: 'Printed folio',
    issued: 'Issued',
    validUntil: 'Valid until',
    permanent: 'Does not expire',
    revokedAt: 'Revoked on',
    issuer: 'Certification body',
    checks: 'Checks',
    signature: "Credential's digital signature (eddsa-rdfc-2022)",
    statusList: 'Status list (revocation)',
    notRevoked: 'not revoked',
    revoked: 'revoked',
    proof: 'Inclusion proof in the public log',
    proofOf: (leaf: string, size: string) => `event ${leaf} of a tree of ${size}`,
    ok: 'valid',
    failed: 'invalid',
    unavailable: 'not available yet',
    withheld: 'not shown: personal data erased',
    downloads: 'Downloads',
    credential: 'Verifiable credential (Open Badges 3.0, JSON-LD)',
    jwt: 'Credential as a VC-JWT',
    pdf: 'Printable certificate (PDF)',
    linkedin: 'Add to my LinkedIn profile',
    replaced: (printed: string) => `The printed folio ${printed} was replaced by a reprint: it is no longer the current document.`,
    current: (printed: string) => `Printed folio ${printed}, current.`,
    checkedAt: 'Status checked on',
  },
} as const;

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1b1b1b;line-height:1.45}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem}
h1{font-size:1.35rem;margin:.5rem 0}
.card{background:#fff;border-radius:.5rem;padding:1rem;margin:1rem 0;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.badge{display:inline-block;font-weight:700;font-size:1.2rem;padding:.35rem .8rem;border-radius:.4rem}
.VALID{background:#dff3e4;color:#0b5d1e}.REVOKED{background:#fde2e1;color:#8a1c13}.EXPIRED{background:#fff1cc;color:#6b4e00}.NOT_FOUND{background:#e8e8e8;color:#333}
dl{display:grid;grid-template-columns:minmax(7rem,auto) 1fr;gap:.3rem .8rem;margin:0}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
ul{padding-left:1.2rem}li{margin:.3rem 0}
.ok{color:#0b5d1e}.bad{color:#8a1c13}.na{color:#555}
a{color:#0b4f8a}
.notice{border-left:4px solid #b36b00;padding-left:.7rem}
`;

/** The Content-Security-Policy of the page: nothing but its own inline stylesheet. */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function dateOf(iso: string, lang: PageLanguage): string {
  return new Intl.DateTimeFormat(lang === 'es' ? 'es-MX' : 'en-US', { day: 'numeric', month: 'long', year: 'numeric', timeZone: DISPLAY_TIME_ZONE }).format(new Date(iso));
}

function linkedInUrl(check: Extract<PublicCheck['lookup'], { kind: 'found' }>, issuerName: string, verifyUrl: string): string {
  const issued = new Date(check.certificate.issuedAt);
  const params = new URLSearchParams({
    startTask: 'CERTIFICATION_NAME',
    name: `${check.standard.code} ${check.standard.title}`,
    organizationName: issuerName,
    issueYear: String(issued.getUTCFullYear()),
    issueMonth: String(issued.getUTCMonth() + 1),
    certUrl: verifyUrl,
    certId: check.certificate.folio,
  });
  if (check.certificate.validUntil) {
    const until = new Date(check.certificate.validUntil);
    params.set('expirationYear', String(until.getUTCFullYear()));
    params.set('expirationMonth', String(until.getUTCMonth() + 1));
  }
  return `https://www.linkedin.com/profile/add?${params.toString()}`;
}

function result(ok: boolean | null, t: (typeof TEXT)[PageLanguage], words?: { yes: string; no: string }): string {
  if (ok === null) return `<span class="na">${esc(t.unavailable)}</span>`;
  return ok ? `<span class="ok">✔ ${esc(words?.yes ?? t.ok)}</span>` : `<span class="bad">✘ ${esc(words?.no ?? t.failed)}</span>`;
}

export function renderVerifyPage(check: PublicCheck, options: { lang: PageLanguage; baseUrl: string; issuerName: string; now: Date }): string {
  const { lang, baseUrl } = options;
  const t = TEXT[lang];
  const selfUrl = verifyPageUrl(baseUrl, check.askedPrintedFolio?.printedFolio ?? check.folio);
  const body: string[] = [];
  const { lookup } = check;
  if (lookup.kind === 'not_found') {
    body.push(`<section class="card"><span class="badge NOT_FOUND" id="status">${esc(lang === 'es' ? 'No encontrado' : 'Not found')}</span>`);
    body.push(`<p id="message">${esc(t.notFound(check.folio))}</p><p>${esc(t.notFoundHint)}</p></section>`);
  } else {
    const status = check.statusNow!;
    const { certificate, standard } = lookup;
    body.push(`<section class="card"><span class="badge ${status}" id="status">${esc(t.status[status])}</span>`);
    if (check.askedPrintedFolio) {
      const notice = check.askedPrintedFolio.replaced ? t.replaced(check.askedPrintedFolio.printedFolio) : t.current(check.askedPrintedFolio.printedFolio);
      body.push(`<p class="notice" id="printed-folio">${esc(notice)}</p>`);
    }
    body.push('<dl>');
    if (lookup.kind === 'found') body.push(`<dt>${esc(t.holder)}</dt><dd id="holder">${esc(lookup.servant.fullName)}</dd>`);
    body.push(`<dt>${esc(t.standard)}</dt><dd id="standard">${esc(`${standard.code} ${standard.title}`)}</dd>`);
    body.push(`<dt>${esc(t.level)}</dt><dd>${standard.level}</dd>`);
    body.push(`<dt>${esc(t.folio)}</dt><dd id="folio">${esc(certificate.folio)}</dd>`);
    if (lookup.kind === 'found' && lookup.facts.printedFolio) body.push(`<dt>${esc(t.printedFolio)}</dt><dd>${esc(lookup.facts.printedFolio)}</dd>`);
    body.push(`<dt>${esc(t.issued)}</dt><dd>${esc(dateOf(certificate.issuedAt, lang))}</dd>`);
    body.push(`<dt>${esc(t.validUntil)}</dt><dd id="valid-until">${esc(certificate.validUntil ? dateOf(certificate.validUntil, lang) : t.permanent)}</dd>`);
    if (certificate.revokedAt) body.push(`<dt>${esc(t.revokedAt)}</dt><dd>${esc(dateOf(certificate.revokedAt, lang))}</dd>`);
    body.push(`<dt>${esc(t.issuer)}</dt><dd>${esc(options.issuerName)}</dd>`);
    body.push('</dl>');
    if (lookup.kind === 'erased') body.push(`<p class="notice" id="erased">${esc(t.erased)}</p>`);
    body.push(`<p class="na">${esc(t.checkedAt)} ${esc(dateOf(options.now.toISOString(), lang))}.</p></section>`);

    body.push(`<section class="card"><h2>${esc(t.checks)}</h2><ul>`);
    body.push(
      `<li id="check-signature">${esc(t.signature)}: ${
        check.signature ? result(check.signature.verified, t) : `<span class="na">${esc(t.withheld)}</span>`
      }</li>`,
    );
    const list = check.statusList;
    body.push(
      `<li id="check-status">${esc(t.statusList)}: ${
        list ? `${result(list.listVerified, t)}, ${result(!list.revoked, t, { yes: t.notRevoked, no: t.revoked })}` : result(null, t)
      }</li>`,
    );
    const proof = check.proof;
    body.push(
      `<li id="check-proof">${esc(t.proof)}: ${proof ? `${result(proof.verified, t)} (${esc(t.proofOf(proof.leafIndex, proof.treeSize))})` : result(null, t)}</li>`,
    );
    body.push('</ul></section>');

    if (lookup.kind === 'found') {
      const folio = certificate.folio;
      body.push(`<section class="card"><h2>${esc(t.downloads)}</h2><ul>`);
      body.push(`<li><a id="download-credential" href="${esc(credentialUrl(baseUrl, folio))}" download>${esc(t.credential)}</a></li>`);
      body.push(`<li><a id="download-jwt" href="${esc(`${credentialUrl(baseUrl, folio)}.jwt`)}" download>${esc(t.jwt)}</a></li>`);
      body.push(`<li><a id="download-pdf" href="${esc(pdfUrl(baseUrl, folio))}">${esc(t.pdf)}</a></li>`);
      body.push(`<li><a id="linkedin" href="${esc(linkedInUrl(lookup, options.issuerName, verifyPageUrl(baseUrl, folio)))}" rel="noopener">${esc(t.linkedin)}</a></li>`);
      body.push('</ul></section>');
    }
  }
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)} ${esc(check.folio)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<header><h1>${esc(t.title)}</h1><a id="language" href="${esc(selfUrl)}?lang=${t.otherLang}" hreflang="${t.otherLang}">${esc(t.other)}</a></header>
${body.join('\n')}
</main></body>
</html>
`;
}
