/**
 * Input checks every backend runs before touching its database, so a bad append
 * fails the same way everywhere (InvalidEventStoreInputError, code BAD_USER_INPUT)
 * and writes nothing.
 */
import { InvalidEventStoreInputError } from './errors.js';
import { canonicalJson, type CanonicalParts } from './hashing.js';
import type {
  AppendOptions,
  ExpectedVersion,
  JsonObject,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
} from './types.js';

const MAX_STREAM_ID_LENGTH = 200;
const MAX_EVENT_TYPE_LENGTH = 200;
/** The most events one readAll call may return: callers page, nobody loads the log. */
export const MAX_READ_LIMIT = 10_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const METADATA_IDS = ['actor', 'commandId', 'correlationId', 'causationId'] as const;

export function validateStreamId(streamId: unknown): string {
  if (typeof streamId !== 'string' || streamId.trim() === '') {
    throw new InvalidEventStoreInputError('Stream id must be a non-empty string');
  }
  if (streamId !== streamId.trim()) {
    throw new InvalidEventStoreInputError('Stream id must not start or end with spaces');
  }
  if (streamId.length > MAX_STREAM_ID_LENGTH) {
    throw new InvalidEventStoreInputError(`Stream id must be at most ${MAX_STREAM_ID_LENGTH} characters`);
  }
  return streamId;
}

export function validateExpectedVersion(value: unknown): ExpectedVersion {
  if (value === undefined) return 'any';
  if (value === 'any' || value === 'no_stream' || value === 'exists') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidEventStoreInputError(
    `expectedVersion must be a non-negative integer, 'any', 'no_stream' or 'exists' (got ${describe(value)})`,
  );
}

/**
 * An event as an append hashes and stores it: id in lower case (PostgreSQL
 * hands uuids back that way and the id is hashed), data and metadata as
 * canonical JSON taken when the append is validated (object keys holding
 * undefined are dropped, as JSON does; later changes to the caller's objects
 * cannot reach the store). Canonical JSON is JSON: the SQL stores keep it as is.
 */
export interface ValidEvent extends CanonicalParts {
  id: string;
  type: string;
}

/** An append as the store will make it. */
export interface ValidAppend {
  streamId: string;
  events: ValidEvent[];
  expectedVersion: ExpectedVersion;
}

/** Checks an append and returns the events as they will be stored. */
export function validateAppend(streamId: unknown, events: unknown, options: AppendOptions | undefined): ValidAppend {
  const validStreamId = validateStreamId(streamId);
  const expectedVersion = validateExpectedVersion(options?.expectedVersion);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventStoreInputError('An append needs at least one event');
  }
  const seen = new Set<string>();
  const validEvents = events.map((event: unknown, index) => {
    const where = `Event ${index}`;
    if (!isPlainObject(event)) throw new InvalidEventStoreInputError(`${where} must be an object`);
    const { id, type, data, metadata } = event as Record<string, unknown>;
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw new InvalidEventStoreInputError(`${where}: id must be a UUID (got ${describe(id)})`);
    }
    const normalisedId = id.toLowerCase();
    if (seen.has(normalisedId)) throw new InvalidEventStoreInputError(`${where}: id ${id} appears twice in this append`);
    seen.add(normalisedId);
    if (typeof type !== 'string' || type.trim() === '' || type !== type.trim() || type.length > MAX_EVENT_TYPE_LENGTH) {
      throw new InvalidEventStoreInputError(
        `${where}: type must be a non-empty name without surrounding spaces, at most ${MAX_EVENT_TYPE_LENGTH} characters`,
      );
    }
    return {
      id: normalisedId,
      type,
      dataJson: canonicalJson(checkJsonObject(data, `${where} (${type}): data`)),
      metadataJson: canonicalJson(validateMetadata(metadata, `${where} (${type}): metadata`)),
    };
  });
  return { streamId: validStreamId, events: validEvents, expectedVersion };
}

/** Checks an appendBatch: each item as an append, each stream once, each event id once. */
export function validateAppendBatch(items: unknown): ValidAppend[] {
  if (!Array.isArray(items) || items.length === 0) throw new InvalidEventStoreInputError('A batch needs at least one append');
  const streams = new Set<string>();
  const ids = new Set<string>();
  return items.map((item: unknown, index) => {
    if (!isPlainObject(item)) throw new InvalidEventStoreInputError(`Append ${index} must be an object`);
    const valid = validateAppend(item.streamId, item.events, { expectedVersion: item.expectedVersion as ExpectedVersion | undefined });
    if (streams.has(valid.streamId)) throw new InvalidEventStoreInputError(`Append ${index}: stream ${valid.streamId} appears twice in this batch`);
    streams.add(valid.streamId);
    for (const event of valid.events) {
      if (ids.has(event.id)) throw new InvalidEventStoreInputError(`Append ${index}: id ${event.id} appears twice in this batch`);
      ids.add(event.id);
    }
    return valid;
  });
}

function validateMetadata(value: unknown, where: string): NewEvent['metadata'] {
  const metadata = checkJsonObject(value, where);
  const occurredAt = metadata.occurredAt;
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    throw new InvalidEventStoreInputError(`${where}: occurredAt must be an ISO-8601 date-time string`);
  }
  for (const key of METADATA_IDS) {
    if (metadata[key] !== null && typeof metadata[key] !== 'string') {
      throw new InvalidEventStoreInputError(`${where}: ${key} must be a string or null`);
    }
  }
  const { schemaVersion } = metadata;
  if (typeof schemaVersion !== 'number' || !Number.isSafeInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidEventStoreInputError(`${where}: schemaVersion must be a positive integer`);
  }
  return metadata as unknown as NewEvent['metadata'];
}

/** A plain JSON object that survives JSON.stringify/JSON.parse unchanged. */
function checkJsonObject(value: unknown, where: string): JsonObject {
  if (!isPlainObject(value)) throw new InvalidEventStoreInputError(`${where} must be a plain JSON object`);
  assertJson(value, where, new Set());
  return value as JsonObject;
}

function assertJson(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      // PostgreSQL text and jsonb refuse NUL and lone surrogates; refusing them everywhere keeps backends alike.
      if (value.includes('\u0000') || LONE_SURROGATE.test(value)) {
        throw new InvalidEventStoreInputError(`${path} holds a string with a NUL character or broken Unicode`);
      }
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new InvalidEventStoreInputError(`${path} holds ${value}, which JSON cannot carry`);
      return;
    case 'object':
      break;
    default:
      throw new InvalidEventStoreInputError(`${path} holds a ${typeof value}, which JSON cannot carry`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw new InvalidEventStoreInputError(`${path} refers to itself (a cycle)`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      if (item === undefined) throw new InvalidEventStoreInputError(`${path}[${index}] is undefined`);
      assertJson(item, `${path}[${index}]`, ancestors);
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertJson(item, `${path}.${key}`, ancestors);
    }
  } else {
    throw new InvalidEventStoreInputError(
      `${path} holds a ${value.constructor?.name ?? 'non-plain'} object; use plain objects, arrays and ISO strings`,
    );
  }
  ancestors.delete(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export function validateReadStreamOptions(
  options: ReadStreamOptions | undefined,
): ReadStreamOptions & { fromRevision: number } {
  const fromRevision = options?.fromRevision ?? 0;
  const { toRevision, recordedUntil } = options ?? {};
  if (!isNonNegativeInteger(fromRevision)) throw new InvalidEventStoreInputError('fromRevision must be a non-negative integer');
  if (toRevision !== undefined && !isNonNegativeInteger(toRevision)) {
    throw new InvalidEventStoreInputError('toRevision must be a non-negative integer');
  }
  if (recordedUntil !== undefined && (!(recordedUntil instanceof Date) || Number.isNaN(recordedUntil.getTime()))) {
    throw new InvalidEventStoreInputError('recordedUntil must be a valid Date');
  }
  return { fromRevision, toRevision, recordedUntil };
}

export function validateReadAllOptions(options: ReadAllOptions): { after: bigint; limit: number } {
  const after = validatePosition(options?.after);
  const limit = options?.limit;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ_LIMIT) {
    throw new InvalidEventStoreInputError(`limit must be an integer from 1 to ${MAX_READ_LIMIT}`);
  }
  return { after, limit };
}

export function validateSubscribeOptions(options: SubscribeOptions | undefined): { after: bigint; batchSize: number } {
  const after = validatePosition(options?.after);
  const batchSize = options?.batchSize ?? 500;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_READ_LIMIT) {
    throw new InvalidEventStoreInputError(`batchSize must be an integer from 1 to ${MAX_READ_LIMIT}`);
  }
  return { after, batchSize };
}

export function validatePosition(position: unknown, name = 'after'): bigint {
  if (position === undefined) return 0n;
  if (typeof position !== 'bigint' || position < 0n) throw new InvalidEventStoreInputError(`${name} must be a non-negative bigint position`);
  return position;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}
