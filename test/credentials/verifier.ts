/**
 * A verifier written apart from src/credentials, as a holder's wallet or an
 * employer would run one: Digital Bazaar's vc.verifyCredential, a document
 * loader of its own over the context files kept in the repository and the
 * did:web document fetched over HTTP (did:web:host%3Aport -> http(s)://host:port/.well-known/did.json),
 * and a status check that fetches the status list credential, verifies it and
 * reads the bit itself. Every fetch goes through `fetchAllowed`, which refuses
 * any host but the server under test: the network is off.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const CONTEXT_URLS: Record<string, string> = {
  'credentials-v2.json': 'https://www.w3.org/ns/credentials/v2',
  'ob-v3p0-context-3.0.3.json': 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  'undefined-terms-v2.json': 'https://www.w3.org/ns/credentials/undefined-terms/v2',
  'did-v1.json': 'https://www.w3.org/ns/did/v1',
  'multikey-v1.json': 'https://w3id.org/security/multikey/v1',
};

function contextFiles(): Map<string, unknown> {
  const folder = new URL('../../src/credentials/contexts/', import.meta.url);
  const contexts = new Map<string, unknown>();
  for (const file of readdirSync(folder)) {
    const url = CONTEXT_URLS[file];
    if (url) contexts.set(url, JSON.parse(readFileSync(new URL(file, folder), 'utf8')));
  }
  return contexts;
}

export interface StatusRead {
  verified: boolean;
  revoked: boolean;
  listVerified: boolean;
}

export interface VerifyOutcome {
  verified: boolean;
  error: string | null;
  status: StatusRead | null;
}

export class TestVerifier {
  private readonly contexts = contextFiles();
  /** Requests refused because they left the test server: must stay empty. */
  readonly refused: string[] = [];
  /** DID documents given by the test instead of fetched (e.g. after a key rotation). */
  readonly pinnedDids = new Map<string, unknown>();

  constructor(private readonly allowedOrigin: string) {}

  async fetchAllowed(url: string): Promise<Response> {
    if (new URL(url).origin !== this.allowedOrigin) {
      this.refused.push(url);
      throw new Error(`network is off: ${url}`);
    }
    return fetch(url);
  }

  /** did:web resolution per the did:web method: host (port percent-encoded) to /.well-known/did.json. */
  private async resolveDid(did: string): Promise<any> {
    const pinned = this.pinnedDids.get(did);
    if (pinned) return pinned;
    const host = decodeURIComponent(did.slice('did:web:'.length));
    const scheme = new URL(this.allowedOrigin).protocol;
    const response = await this.fetchAllowed(`${scheme}//${host}/.well-known/did.json`);
    if (!response.ok) throw new Error(`DID document: HTTP ${response.status}`);
    return response.json();
  }

  readonly documentLoader = async (url: string) => {
    const context = this.contexts.get(url);
    if (context) return { contextUrl: null, documentUrl: url, document: context };
    if (url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const doc = await this.resolveDid(did!);
      if (doc.id !== did) throw new Error(`DID document of ${did} names ${doc.id}`);
      if (!fragment) return { contextUrl: null, documentUrl: url, document: doc };
      const method = doc.verificationMethod.find((vm: { id: string }) => vm.id === url);
      if (!method) throw new Error(`${url} is not in the DID document`);
      return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...method } };
    }
    this.refused.push(url);
    throw new Error(`document loader: ${url} is not a bundled context (network is off)`);
  };

  /** Verifies a credential (proof, validity window at `now`) and reads its revocation bit. */
  async verify(credential: object, now = new Date()): Promise<VerifyOutcome> {
    let status: StatusRead | null = null;
    const checkStatus = async ({ credential: checked }: { credential: any }) => {
      status = await this.readStatus(checked.credentialStatus);
      return { verified: status.verified };
    };
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: this.documentLoader,
      checkStatus,
      now,
    });
    const error = result.verified ? null : String((result.error as any)?.errors?.[0]?.message ?? (result.results?.[0]?.error as any)?.message ?? result.error);
    return { verified: result.verified, error, status };
  }

  /** Fetches the list, verifies its own proof, gunzips encodedList and reads the entry's bit (index 0 = high bit of byte 0). */
  async readStatus(entry: { statusListCredential: string; statusListIndex: string; statusPurpose: string; type: string }): Promise<StatusRead> {
    if (entry.type !== 'BitstringStatusListEntry' || entry.statusPurpose !== 'revocation') throw new Error(`unexpected status entry ${JSON.stringify(entry)}`);
    const response = await this.fetchAllowed(entry.statusListCredential);
    if (!response.ok) throw new Error(`status list: HTTP ${response.status}`);
    const list = (await response.json()) as any;
    const listResult = await vc.verifyCredential({
      credential: list,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: this.documentLoader,
    });
    const encoded: string = list.credentialSubject.encodedList;
    if (!encoded.startsWith('u')) throw new Error('encodedList is not multibase base64url');
    const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
    const index = Number(entry.statusListIndex);
    const revoked = ((bits[Math.floor(index / 8)]! >> (7 - (index % 8))) & 1) === 1;
    return { verified: listResult.verified, revoked, listVerified: listResult.verified };
  }
}
