/**
 * One certificate as an Open Badges 3.0 OpenBadgeCredential on the W3C VC
 * Data Model 2.0, unsigned. Pure: the facts come in, JSON goes out; the same
 * facts always give the same credential, so it can be built again on demand.
 */
import { createHash } from 'node:crypto';
import { OB_V3_CONTEXT, OB_V3_SCHEMA, UNDEFINED_TERMS_CONTEXT, VC_V2_CONTEXT } from './contexts.js';

export interface CredentialFacts {
  /** CONOCER's folio: the credential's id and URLs use it. */
  folio: string;
  /** The paper's folio preimpreso, when the certificate has one. */
  printedFolio: string | null;
  issuedAt: string;
  validUntil: string | null;
  standard: { code: string; title: string; level: number; validityYears: number | null };
  holder: { fullName: string; curp: string };
  /** Per-credential salt of the CURP hash (hex). */
  salt: string;
  status: { list: number; index: number };
}

export interface IssuerProfile {
  /** did:web of the deployment. */
  did: string;
  /** The certification body that signs (ISSUER_NAME). */
  name: string;
  /** PUBLIC_BASE_URL. */
  baseUrl: string;
}

export type JsonObject = Record<string, unknown>;

export const credentialUrl = (baseUrl: string, folio: string): string => `${baseUrl}/credentials/${encodeURIComponent(folio)}`;
export const statusListUrl = (baseUrl: string, list: number): string => `${baseUrl}/credentials/status/${list}`;
export const achievementUrl = (baseUrl: string, code: string): string => `${baseUrl}/achievements/${encodeURIComponent(code)}`;
export const verifyPageUrl = (baseUrl: string, folio: string): string => `${baseUrl}/verify/${encodeURIComponent(folio)}`;
export const pdfUrl = (baseUrl: string, folio: string): string => `${baseUrl}/certificates/${encodeURIComponent(folio)}.pdf`;

/** OB 3.0 IdentityObject hash: `sha256$` + hex of SHA-256 over the identity followed by the salt. */
export function hashIdentity(identity: string, salt: string): string {
  return `sha256$${createHash('sha256').update(identity + salt, 'utf8').digest('hex')}`;
}

/** The standard as an OB 3.0 Achievement (also served alone at its id). */
export function achievementOf(baseUrl: string, standard: CredentialFacts['standard']): JsonObject {
  const validity = standard.validityYears === null ? 'sin vencimiento' : `vigencia de ${standard.validityYears} años`;
  return {
    id: achievementUrl(baseUrl, standard.code),
    type: ['Achievement'],
    achievementType: 'Certification',
    humanCode: standard.code,
    name: standard.title,
    description: `Estándar de Competencia ${standard.code} del CONOCER, nivel ${standard.level}, ${validity}.`,
    criteria: {
      narrative:
        `Juicio de competencia "competente" emitido por un evaluador acreditado en el ${standard.code} ` +
        `(nivel ${standard.level}), con base en las evidencias que el estándar exige, y certificado por el organismo emisor.`,
    },
    tag: ['CONOCER', standard.code, `Nivel ${standard.level}`],
    inLanguage: 'es-MX',
  };
}

export function buildOpenBadgeCredential(facts: CredentialFacts, issuer: IssuerProfile): JsonObject {
  const id = credentialUrl(issuer.baseUrl, facts.folio);
  const listUrl = statusListUrl(issuer.baseUrl, facts.status.list);
  return {
    '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT, UNDEFINED_TERMS_CONTEXT],
    id,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${facts.standard.code} ${facts.standard.title}`,
    description: `Certificado de competencia laboral, folio ${facts.folio}${facts.printedFolio ? `, folio impreso ${facts.printedFolio}` : ''}.`,
    issuer: { id: issuer.did, type: ['Profile'], name: issuer.name, url: issuer.baseUrl },
    validFrom: facts.issuedAt,
    ...(facts.validUntil ? { validUntil: facts.validUntil } : {}),
    awardedDate: facts.issuedAt,
    // Terms of ours: the undefined-terms context gives them issuer-dependent IRIs.
    folio: facts.folio,
    ...(facts.printedFolio ? { printedFolio: facts.printedFolio } : {}),
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        { type: 'IdentityObject', identityType: 'nationalIdentityNumber', hashed: true, identityHash: hashIdentity(facts.holder.curp, facts.salt), salt: facts.salt },
        { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: facts.holder.fullName },
      ],
      achievement: achievementOf(issuer.baseUrl, facts.standard),
    },
    credentialStatus: {
      id: `${listUrl}#${facts.status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(facts.status.index),
      statusListCredential: listUrl,
    },
    credentialSchema: [{ id: OB_V3_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
  };
}
