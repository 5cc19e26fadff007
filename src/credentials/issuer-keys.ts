/**
 * The Ed25519 keys that sign credentials. The current key is ISSUER_KEY (a
 * 32-byte seed, never stored in the database); keys retired by a rotation stay
 * in the DID document by their public key alone, so credentials they signed
 * keep verifying.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Ed25519KeyPair } from '@digitalbazaar/ed25519-multikey';
import { CredentialError } from './errors.js';

/** Multibase (base58btc) of an Ed25519 public key in multicodec form: always z6Mk… and 48 characters. */
const ED25519_PUBLIC_MULTIBASE = /^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/;

export interface IssuerKeys {
  /** did:web of the deployment. */
  did: string;
  /** Verification method id of the current key: `${did}#${publicKeyMultibase}`. */
  currentKeyId: string;
  current: Ed25519KeyPair;
  /** The current key for jose (VC-JWT). */
  currentPrivateKey: KeyObject;
  /** Every key the DID document lists, current first. */
  publicKeys: { id: string; publicKeyMultibase: string }[];
}

export async function loadIssuerKeys(did: string, seed: Buffer, retiredPublicKeys: readonly string[] = []): Promise<IssuerKeys> {
  if (seed.length !== 32) throw new CredentialError('ISSUER_KEY_INVALID', 'The issuer key must be a 32-byte Ed25519 seed');
  const current = await Ed25519Multikey.generate({ controller: did, seed: new Uint8Array(seed) });
  const currentKeyId = `${did}#${current.publicKeyMultibase}`;
  const currentPrivateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: Buffer.from(current.publicKey).toString('base64url') },
    format: 'jwk',
  });
  const retired = retiredPublicKeys
    .map((key) => key.trim())
    .filter((key) => key !== '' && key !== current.publicKeyMultibase);
  for (const key of retired) {
    if (!ED25519_PUBLIC_MULTIBASE.test(key)) {
      throw new CredentialError('ISSUER_KEY_INVALID', `A retired issuer key is not an Ed25519 publicKeyMultibase (z6Mk…): ${key.slice(0, 12)}…`);
    }
  }
  const publicKeys = [current.publicKeyMultibase, ...new Set(retired)].map((publicKeyMultibase) => ({
    id: `${did}#${publicKeyMultibase}`,
    publicKeyMultibase,
  }));
  return { did, currentKeyId, current, currentPrivateKey, publicKeys };
}
