/**
 * Bitstring Status List v1.0: a list of STATUS_LIST_SIZE bits (index 0 is the
 * most significant bit of the first byte), GZIP-compressed, multibase
 * base64url ('u' prefix). The size is the specification's minimum (16 KiB),
 * large enough that a list says little about any one holder.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { VC_V2_CONTEXT } from './contexts.js';
import { statusListUrl, type IssuerProfile, type JsonObject } from './open-badge.js';

export const STATUS_LIST_SIZE = 131_072;

export function encodeStatusList(revokedIndexes: Iterable<number>, size = STATUS_LIST_SIZE): string {
  const bits = Buffer.alloc(size / 8);
  for (const index of revokedIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`Status index ${index} is outside the list`);
    bits[index >> 3]! |= 0x80 >> (index & 7);
  }
  return `u${gzipSync(bits).toString('base64url')}`;
}

/** Reads one bit of an encodedList; throws on a value that is not a multibase base64url GZIP bitstring. */
export function statusBit(encodedList: string, index: number): boolean {
  if (!encodedList.startsWith('u')) throw new Error('encodedList is not multibase base64url');
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  if (index < 0 || index >= bits.length * 8) throw new RangeError(`Status index ${index} is outside the list`);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

/** The unsigned status list credential of list `list`; `validFrom` is when it was built. */
export function buildStatusListCredential(issuer: IssuerProfile, list: number, encodedList: string, validFrom: string): JsonObject {
  const id = statusListUrl(issuer.baseUrl, list);
  return {
    '@context': [VC_V2_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: issuer.did,
    validFrom,
    credentialSubject: { id: `${id}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList },
  };
}
