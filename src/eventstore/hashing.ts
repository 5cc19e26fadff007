import { hash as digest } from 'node:crypto';
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

/** An event's data and metadata as canonical JSON text, taken once when an append is validated. */
export interface CanonicalParts {
  dataJson: string;
  metadataJson: string;
}

/** The hashed fields with data and metadata as canonical JSON. */
export type PartsToHash = Omit<HashedContent, 'data' | 'metadata'> & CanonicalParts;

/**
 * Canonical JSON (object keys sorted by code unit, no whitespace; numbers and
 * strings as JSON.stringify writes them, as in RFC 8785 for our data), so every
 * backend and every auditor hashes the same bytes. The npm `canonicalize`
 * package needs Node 22, hence these few lines (plain loops: they run for every
 * value of every event appended or verified).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`${typeof value} cannot be serialised as JSON`);
    return text;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index++) out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + canonicalJson(item);
  }
  return `${out}}`;
}

/**
 * The canonical JSON of an event's hashed fields, from its data and metadata
 * already in canonical JSON: the keys in sorted order are data, id, metadata,
 * recordedAt, revision, streamId, type. The PostgreSQL append function (postgres.ts,
 * APPEND_FUNCTION) builds the same text from the same parts.
 */
export function hashedText(content: PartsToHash): string {
  const { streamId, revision, id, type, recordedAt, dataJson, metadataJson } = content;
  return `{"data":${dataJson},"id":${JSON.stringify(id)},"metadata":${metadataJson},"recordedAt":${JSON.stringify(recordedAt)},"revision":${revision},"streamId":${JSON.stringify(streamId)},"type":${JSON.stringify(type)}}`;
}

/** hash = sha256(previousHash + canonical JSON of the event), hex. The first event of a stream uses ''. */
export function eventHash(previousHash: string | null, content: HashedContent): string {
  return eventHashOfParts(previousHash, {
    ...content,
    dataJson: canonicalJson(content.data),
    metadataJson: canonicalJson(content.metadata),
  });
}

/** eventHash, for an event whose data and metadata are already canonical JSON. */
export function eventHashOfParts(previousHash: string | null, content: PartsToHash): string {
  return digest('sha256', (previousHash ?? '') + hashedText(content), 'hex');
}

/**
 * The global chain over the whole log in position order:
 * globalHash = sha256(previous event's globalHash + hash), hex; '' before the first event.
 */
export function globalChainHash(previousGlobalHash: string, hash: string): string {
  return digest('sha256', previousGlobalHash + hash, 'hex');
}
