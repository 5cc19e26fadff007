/**
 * Everything the credential endpoints, the PDF, the public page and GraphQL
 * ask of a certificate, built on demand from the read models: the credential
 * is a pure function of the certificate's facts, signed with a deterministic
 * signature (Ed25519, proof dated at issuance), so it never needs storing and
 * a rebuild of the read models gives the same bytes.
 */
import { createHash, createHmac } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { certificateStatus, type CertificateStatus } from '../domain/certifications/stage.js';
import type { ReadDatabase } from '../projections/projection.js';
import type { CertificateView, ReadModel, ServantView, StandardView } from '../projections/read-model.js';
import { buildStatusListCredential, encodeStatusList, statusBit } from './bitstring.js';
import { didDocument, type DidDocument } from './did-web.js';
import {
  achievementOf,
  buildOpenBadgeCredential,
  credentialUrl,
  type CredentialFacts,
  type IssuerProfile,
  type JsonObject,
  pdfUrl,
  verifyPageUrl,
} from './open-badge.js';
import type { InclusionProofSource, InclusionProofView } from './proofs.js';
import { CredentialSigner, type SignatureCheck } from './signing.js';
import { revokedIndexesOf, statusEntryOf, type StatusEntry } from './status/queries.js';

export interface Clock {
  now(): Date;
}

/** A printed folio (folio preimpreso) resolved to its certificate; `replaced` once a reissue printed a newer one. */
export interface PrintedFolioLookup {
  resolve(printedFolio: string): Promise<{ folio: string; replaced: boolean } | null>;
}

export interface CredentialServiceOptions {
  readModel: ReadModel;
  /** Where rm_credential_status lives (the read store). */
  db: ReadDatabase;
  signer: CredentialSigner;
  issuer: IssuerProfile;
  /** Secret the per-credential CURP salts derive from (never published). */
  saltKey: Buffer;
  clock: Clock;
  /** The transparency log's inclusion proof of a certificate's issuance, once the log exists. */
  proofs?: InclusionProofSource;
  printedFolios?: PrintedFolioLookup;
}

/** What is known of one folio, and whether personal data may be shown. */
export type CertificateLookup =
  | { kind: 'not_found'; folio: string }
  | { kind: 'erased'; folio: string; certificate: CertificateView; standard: StandardView; status: StatusEntry | null }
  | { kind: 'found'; folio: string; certificate: CertificateView; standard: StandardView; servant: ServantView; status: StatusEntry; facts: CredentialFacts };

export interface PublicCheck {
  folio: string;
  /** Set when the folio asked was a printed folio. */
  askedPrintedFolio: { printedFolio: string; replaced: boolean } | null;
  lookup: CertificateLookup;
  statusNow: CertificateStatus | null;
  /** The signature of the credential we serve, checked against the DID document. */
  signature: SignatureCheck | null;
  /** The revocation bit read from the signed status list (and that list's own signature). */
  statusList: { revoked: boolean; listVerified: boolean; url: string } | null;
  proof: InclusionProofView | null;
}

/** The folio preimpreso of the paper the holder has now (the latest CertificateReissued), if any. */
export const printedFolioOf = (certificate: CertificateView): string | null => certificate.printedFolio;

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

export class CredentialService {
  readonly issuer: IssuerProfile;
  readonly signer: CredentialSigner;
  private readonly signed = new LRUCache<string, JsonObject>({ max: 2_000 });
  private readonly lists = new LRUCache<string, JsonObject>({ max: 64 });
  /** Checks of documents we signed: the same bytes under the same keys check the same, and the page is public. */
  private readonly checks = new LRUCache<string, SignatureCheck>({ max: 4_000 });

  constructor(private readonly options: CredentialServiceOptions) {
    this.issuer = options.issuer;
    this.signer = options.signer;
  }

  didDocument(): DidDocument {
    return didDocument(this.signer.keys);
  }

  urls(folio: string): { credentialUrl: string; pdfUrl: string; verifyUrl: string } {
    const base = this.issuer.baseUrl;
    return { credentialUrl: credentialUrl(base, folio), pdfUrl: pdfUrl(base, folio), verifyUrl: verifyPageUrl(base, folio) };
  }

  saltFor(folio: string): string {
    return createHmac('sha256', this.options.saltKey).update(`credential-salt:${folio}`).digest('hex').slice(0, 32);
  }

  async lookup(folio: string): Promise<CertificateLookup> {
    const { readModel, db, clock } = this.options;
    const [certificate] = await readModel.certificatesByFolios([folio], clock.now());
    if (!certificate) return { kind: 'not_found', folio };
    const [[servant], [standard], status] = await Promise.all([
      readModel.servantsByIds([certificate.servantId]),
      readModel.standardsByCodes([certificate.standardCode]),
      statusEntryOf(db, folio),
    ]);
    // A certificate always names a standard the read models hold; not finding it means they are behind.
    if (!standard) return { kind: 'not_found', folio };
    if (servant?.personalDataErased) return { kind: 'erased', folio, certificate, standard, status };
    // The servants or status read model behind the certificates one: nothing to sign yet.
    if (!servant || servant.curp === null || !status) return { kind: 'not_found', folio };
    const facts: CredentialFacts = {
      folio: certificate.folio,
      printedFolio: printedFolioOf(certificate),
      issuedAt: certificate.issuedAt,
      validUntil: certificate.validUntil,
      standard: { code: standard.code, title: standard.title, level: standard.level, validityYears: standard.validityYears },
      holder: { fullName: servant.fullName, curp: servant.curp },
      salt: this.saltFor(certificate.folio),
      status: { list: status.list, index: status.index },
    };
    return { kind: 'found', folio, certificate, standard, servant, status, facts };
  }

  /** The signed credential of a found certificate (cached by the digest of what it says). */
  async credentialOf(facts: CredentialFacts): Promise<JsonObject> {
    const unsigned = buildOpenBadgeCredential(facts, this.issuer);
    const key = `${this.signer.keys.currentKeyId} ${digest(unsigned)}`;
    const cached = this.signed.get(key);
    if (cached) return cached;
    const signed = await this.signer.sign(unsigned, facts.issuedAt);
    this.signed.set(key, signed);
    return signed;
  }

  async jwtOf(facts: CredentialFacts): Promise<string> {
    return this.signer.signJwt(buildOpenBadgeCredential(facts, this.issuer));
  }

  standards(codes: readonly string[]): Promise<(StandardView | null)[]> {
    return this.options.readModel.standardsByCodes(codes);
  }

  achievement(standard: StandardView): JsonObject {
    return { '@context': ['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'], ...achievementOf(this.issuer.baseUrl, standard) };
  }

  /** The signed status list credential, or null for a list no certificate uses. */
  async statusList(list: number): Promise<JsonObject | null> {
    const { exists, revoked } = await revokedIndexesOf(this.options.db, list);
    if (!exists) return null;
    const encodedList = encodeStatusList(revoked);
    const key = `${this.signer.keys.currentKeyId} ${list} ${digest(encodedList)}`;
    const cached = this.lists.get(key);
    if (cached) return cached;
    const now = new Date(Math.floor(this.options.clock.now().getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const signed = await this.signer.sign(buildStatusListCredential(this.issuer, list, encodedList, now), now);
    this.lists.set(key, signed);
    return signed;
  }

  /** What the public page shows: every check made here, by the same code a holder's verifier would run. */
  async publicCheck(asked: string): Promise<PublicCheck> {
    let folio = asked;
    let askedPrintedFolio: PublicCheck['askedPrintedFolio'] = null;
    let lookup = await this.lookup(folio);
    if (lookup.kind === 'not_found' && this.options.printedFolios) {
      const printed = await this.options.printedFolios.resolve(asked);
      if (printed) {
        folio = printed.folio;
        askedPrintedFolio = { printedFolio: asked, replaced: printed.replaced };
        lookup = await this.lookup(folio);
      }
    }
    if (lookup.kind === 'not_found') return { folio, askedPrintedFolio, lookup, statusNow: null, signature: null, statusList: null, proof: null };
    const statusNow = certificateStatus(lookup.certificate, this.options.clock.now());
    const [signature, statusList, proof] = await Promise.all([
      lookup.kind === 'found' ? this.credentialOf(lookup.facts).then((credential) => this.checkSignature(credential)) : Promise.resolve(null),
      lookup.status ? this.checkStatusBit(lookup.status) : Promise.resolve(null),
      this.options.proofs && lookup.status ? this.options.proofs.issuanceProof(lookup.status.issuedPosition) : Promise.resolve(null),
    ]);
    return { folio, askedPrintedFolio, lookup, statusNow, signature, statusList, proof };
  }

  /** The signature check of a document, kept by its digest and the DID document's keys (8 ms of CPU each otherwise). */
  async checkSignature(document: JsonObject): Promise<SignatureCheck> {
    const key = `${this.signer.keys.publicKeys.map((k) => k.id).join(' ')} ${digest(document)}`;
    const kept = this.checks.get(key);
    if (kept) return kept;
    const check = await this.signer.verifySignature(document);
    this.checks.set(key, check);
    return check;
  }

  /** Reads the bit from the signed list, as a verifier holding only the credential would. */
  async checkStatusBit(entry: StatusEntry): Promise<PublicCheck['statusList']> {
    const list = await this.statusList(entry.list);
    if (!list) return null;
    const subject = list.credentialSubject as { encodedList: string };
    const listCheck = await this.checkSignature(list);
    return { revoked: statusBit(subject.encodedList, entry.index), listVerified: listCheck.verified, url: String(list.id) };
  }
}
