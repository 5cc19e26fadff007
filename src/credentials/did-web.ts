/**
 * The issuer's did:web, from PUBLIC_BASE_URL. did:web maps the host (a port
 * percent-encoded) to https://host/.well-known/did.json; a base URL with a
 * path would move the document away from /.well-known, so it is refused.
 */
import { CredentialError } from './errors.js';
import { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT } from './contexts.js';
import type { IssuerKeys } from './issuer-keys.js';

/** The base URL without a trailing slash, checked: http(s), no path, query or fragment. */
export function normalisePublicBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new CredentialError('PUBLIC_BASE_URL_INVALID', 'must be an absolute http(s) URL such as https://acredita.example.mx');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CredentialError('PUBLIC_BASE_URL_INVALID', 'must use https (or http for local use)');
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new CredentialError('PUBLIC_BASE_URL_INVALID', 'must be an origin only (no path, query, fragment or credentials): did:web serves /.well-known/did.json');
  }
  return url.origin;
}

export function didWebFor(publicBaseUrl: string): string {
  const url = new URL(publicBaseUrl);
  return `did:web:${url.host.replace(':', '%3A')}`;
}

export interface DidDocument {
  '@context': string[];
  id: string;
  verificationMethod: { id: string; type: 'Multikey'; controller: string; publicKeyMultibase: string }[];
  assertionMethod: string[];
  authentication: string[];
}

/** Every key, current and retired, may assert: a retired key's old signatures stay good. */
export function didDocument(keys: IssuerKeys): DidDocument {
  const ids = keys.publicKeys.map((key) => key.id);
  return {
    '@context': [DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT],
    id: keys.did,
    verificationMethod: keys.publicKeys.map((key) => ({ id: key.id, type: 'Multikey', controller: keys.did, publicKeyMultibase: key.publicKeyMultibase })),
    assertionMethod: ids,
    // Only the current key authenticates the issuer today.
    authentication: [keys.currentKeyId],
  };
}
