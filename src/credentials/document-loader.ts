/**
 * The JSON-LD document loader for signing and verifying: bundled contexts and
 * the DID documents it is given, nothing else. It never fetches; an unknown
 * URL is an error, so a credential naming a context we do not hold fails
 * instead of reaching the network.
 */
import { BUNDLED_CONTEXTS, MULTIKEY_V1_CONTEXT } from './contexts.js';
import type { DidDocument } from './did-web.js';
import { CredentialError } from './errors.js';

export interface LoadedDocument {
  contextUrl: null;
  documentUrl: string;
  document: unknown;
}

export type DocumentLoader = (url: string) => Promise<LoadedDocument>;

export function createDocumentLoader(didDocuments: readonly DidDocument[]): DocumentLoader {
  const dids = new Map(didDocuments.map((doc) => [doc.id, doc]));
  return async (url: string) => {
    const context = BUNDLED_CONTEXTS.get(url);
    if (context !== undefined) return { contextUrl: null, documentUrl: url, document: context };
    const [did, fragment] = url.split('#', 2);
    const doc = dids.get(did!);
    if (doc) {
      if (fragment === undefined) return { contextUrl: null, documentUrl: url, document: doc };
      const method = doc.verificationMethod.find((vm) => vm.id === url);
      if (method) return { contextUrl: null, documentUrl: url, document: { '@context': MULTIKEY_V1_CONTEXT, ...method } };
    }
    throw new CredentialError('DOCUMENT_NOT_BUNDLED', `Not a bundled context or a known DID: ${url}`);
  };
}
