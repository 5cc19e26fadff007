#!/usr/bin/env node
// Checks an Acredita certificate credential (Open Badges 3.0, W3C VC 2.0,
// eddsa-rdfc-2022) on its own, with Digital Bazaar's verifier and none of
// Acredita's code: the proof against the issuer's did:web document, the
// validity window, and the revocation bit of its Bitstring Status List.
//
//   node docs/verify-credential.mjs CREDENTIAL.json [--did DID.json] [--status LIST.json] [--at ISO-INSTANT] [--contexts DIR]
//
// CREDENTIAL.json is what GET /credentials/<folio> answered (the holder's copy).
// --did: the issuer's DID document saved earlier (GET /.well-known/did.json);
//   without it the document is fetched per did:web (did:web:host%3Aport ->
//   https://host:port/.well-known/did.json; http for 127.0.0.1 and localhost).
// --status: the status list credential saved earlier; without it, fetched from
//   the credential's statusListCredential URL. Its own proof is checked too.
// --at: check the validity window as of this instant (default now); an expired
//   certificate still has a good signature as of its validFrom.
// --contexts: the JSON-LD contexts (default: src/credentials/contexts of this
//   repository). Nothing else is fetched: a context not in the folder fails.
// Needs @digitalbazaar/vc, @digitalbazaar/data-integrity and
// @digitalbazaar/eddsa-rdfc-2022-cryptosuite (npm install them elsewhere).
// Exit 0: verified and not revoked. Exit 1: it does not verify, or it is revoked
// (the reason is printed). Exit 2: bad usage.
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

export class VerifyError extends Error {}

/** Context files by the URL they stand for (the folder's README names each). */
const CONTEXT_FILES = {
  'credentials-v2.json': 'https://www.w3.org/ns/credentials/v2',
  'ob-v3p0-context-3.0.3.json': 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  'undefined-terms-v2.json': 'https://www.w3.org/ns/credentials/undefined-terms/v2',
  'did-v1.json': 'https://www.w3.org/ns/did/v1',
  'multikey-v1.json': 'https://w3id.org/security/multikey/v1',
};

export function loadContexts(folder = new URL('../src/credentials/contexts/', import.meta.url)) {
  const dir = folder instanceof URL ? folder : pathToFileURL(folder.endsWith('/') ? folder : `${folder}/`);
  const contexts = new Map();
  for (const file of readdirSync(dir)) {
    const url = CONTEXT_FILES[file];
    if (url) contexts.set(url, JSON.parse(readFileSync(new URL(file, dir), 'utf8')));
  }
  return contexts;
}

/** did:web to the URL of its document: host (a port percent-encoded), then /.well-known/did.json. */
export function didWebUrl(did) {
  if (!did.startsWith('did:web:') || did.slice(8).includes(':')) throw new VerifyError(`not a did:web without a path: ${did}`);
  const host = decodeURIComponent(did.slice(8));
  const local = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
  return `${local ? 'http' : 'https'}://${host}/.well-known/did.json`;
}

export class CredentialVerifier {
  /**
   * contexts: Map of context URL to document; fetch: (url) => Promise<Response>;
   * dids: Map of DID to a DID document the caller already holds (not fetched);
   * statusLists: Map of status list URL to a status list credential already held.
   */
  constructor({ contexts = loadContexts(), fetch = globalThis.fetch, dids = new Map(), statusLists = new Map() } = {}) {
    this.contexts = contexts;
    this.fetch = fetch;
    this.dids = dids;
    this.statusLists = statusLists;
    this.documentLoader = (url) => this.load(url);
  }

  async json(url, what) {
    const response = await this.fetch(url);
    if (!response.ok) throw new VerifyError(`${what} ${url}: HTTP ${response.status}`);
    return response.json();
  }

  async load(url) {
    const context = this.contexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const doc = this.dids.get(did) ?? (await this.json(didWebUrl(did), 'DID document'));
      if (doc.id !== did) throw new VerifyError(`the DID document of ${did} names ${doc.id}`);
      if (!fragment) return { contextUrl: null, documentUrl: url, document: doc };
      const method = (doc.verificationMethod ?? []).find((vm) => vm.id === url);
      if (!method) throw new VerifyError(`${url} is not in the issuer's DID document`);
      return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...method } };
    }
    throw new VerifyError(`not a bundled context, nor a did:web: ${url} (nothing else is fetched)`);
  }

  /** The proof and validity window (as of `now`), then the revocation bit. */
  async verify(credential, { now = new Date() } = {}) {
    let status = null;
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: this.documentLoader,
      now,
      checkStatus: async ({ credential: checked }) => {
        status = await this.readStatus(checked.credentialStatus);
        return { verified: status.listVerified };
      },
    });
    return { verified: result.verified, error: result.verified ? null : reasonOf(result), status };
  }

  /** Verifies the status list credential's own proof, gunzips encodedList and reads the bit (index 0 = high bit of byte 0). */
  async readStatus(entry) {
    if (!entry || entry.type !== 'BitstringStatusListEntry' || entry.statusPurpose !== 'revocation') {
      throw new VerifyError(`not a BitstringStatusListEntry for revocation: ${JSON.stringify(entry)}`);
    }
    const list = this.statusLists.get(entry.statusListCredential) ?? (await this.json(entry.statusListCredential, 'status list'));
    const listResult = await vc.verifyCredential({ credential: list, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: this.documentLoader });
    const encoded = list.credentialSubject?.encodedList;
    if (typeof encoded !== 'string' || !encoded.startsWith('u')) throw new VerifyError('encodedList is not multibase base64url');
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    const index = Number(entry.statusListIndex);
    if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) throw new VerifyError(`statusListIndex ${entry.statusListIndex} is outside the list`);
    const revoked = ((bits[Math.floor(index / 8)] >> (7 - (index % 8))) & 1) === 1;
    return { verified: listResult.verified, revoked, listVerified: listResult.verified };
  }
}

function reasonOf(result) {
  const error = result.error ?? result.results?.find((r) => !r.verified)?.error;
  const first = Array.isArray(error?.errors) && error.errors.length > 0 ? error.errors[0] : error;
  return String(first?.message ?? first ?? 'not verified');
}

function option(args, name) {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

async function main(argv) {
  const [file, ...rest] = argv;
  const usage = 'usage: verify-credential.mjs CREDENTIAL.json [--did DID.json] [--status LIST.json] [--at ISO] [--contexts DIR]';
  if (!file || file.startsWith('--')) return { code: 2, text: usage };
  const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
  const credential = read(file);
  const dids = new Map();
  const didFile = option(rest, '--did');
  if (didFile) {
    const doc = read(didFile);
    dids.set(doc.id, doc);
  }
  const statusLists = new Map();
  const statusFile = option(rest, '--status');
  if (statusFile) {
    const list = read(statusFile);
    statusLists.set(list.id, list);
  }
  const at = option(rest, '--at');
  const now = at ? new Date(at) : new Date();
  if (Number.isNaN(now.getTime())) return { code: 2, text: `--at: not an instant: ${at}` };
  const contextsDir = option(rest, '--contexts');
  const verifier = new CredentialVerifier({ contexts: contextsDir ? loadContexts(contextsDir) : loadContexts(), dids, statusLists });
  const { verified, error, status } = await verifier.verify(credential, { now });
  if (!verified) return { code: 1, text: `FAILED: ${error}` };
  if (status?.revoked) return { code: 1, text: `REVOKED: the signature is good, but ${credential.credentialStatus.statusListCredential} marks index ${credential.credentialStatus.statusListIndex} revoked.` };
  return { code: 0, text: `OK: ${credential.id} signed by ${credential.issuer?.id ?? credential.issuer}, valid at ${now.toISOString()}, not revoked.` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    ({ code, text }) => {
      (code === 0 ? console.log : console.error)(code === 2 ? `verify-credential: ${text}` : text);
      process.exit(code);
    },
    (error) => {
      console.error(error instanceof VerifyError ? `FAILED: ${error.message}` : `verify-credential: ${error.message}`);
      process.exit(error instanceof VerifyError ? 1 : 2);
    },
  );
}
