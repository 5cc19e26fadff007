import { createHash } from 'node:crypto';
import type { EventMetadata, JsonObject } from './types.js';

/** The fields the hash covers: everything an auditor relies on, except the global position. */
export interface HashedContent {
  streamId: string;
  revision: number;
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recordedAt: string;
}

/**
 * Canonical JSON (object keys sorted by code unit, no whitespace; numbers and
 * strings as JSON.stringify writes them, as in RFC 8785 for our data), so every
 * backend and every auditor hashes the same bytes. The npm `canonicalize`
 * package needs Node 22, hence these few lines.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`${typeof value} cannot be serialised as JSON`);
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** hash = sha256(previousHash + canonical JSON of the event), hex. The first event of a stream uses ''. */
export function eventHash(previousHash: string | null, content: HashedContent): string {
  const { streamId, revision, id, type, data, metadata, recordedAt } = content;
  return createHash('sha256')
    .update(previousHash ?? '')
    .update(canonicalJson({ streamId, revision, id, type, data, metadata, recordedAt }))
    .digest('hex');
}

/**
 * The global chain over the whole log in position order:
 * globalHash = sha256(previous event's globalHash + hash), hex; '' before the first event.
 */
export function globalChainHash(previousGlobalHash: string, hash: string): string {
  return createHash('sha256').update(previousGlobalHash).update(hash).digest('hex');
}
