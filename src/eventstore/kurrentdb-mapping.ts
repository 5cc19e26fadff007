/**
 * Pure translations between our event store contract and KurrentDB/EventStoreDB
 * (`@eventstore/db-client` 6.x): connection string, stream names, expected
 * versions, the envelope (revision, recordedAt, hash chain) we carry in each
 * event's metadata, and event-id claims. Nothing here talks to a server, so all
 * of it is unit-tested without one.
 */
import { jsonEvent, NO_STREAM, type AppendExpectedRevision, type CurrentRevision, type EventData } from '@eventstore/db-client';
import { z } from 'zod';
import { checkExpectedVersion, chainEvents, type StreamHead } from './append-rules.js';
import { ConfigurationError } from './errors.js';
import { parseStoreUrl } from './store-url.js';
import type { EventMetadata, ExpectedVersion, JsonObject, RecordedEvent } from './types.js';
import type { ValidEvent } from './validation.js';

/** `kurrentdb://host:2113?tls=false` -> `esdb://host:2113?tls=false`: the 6.x client only parses esdb schemes. */
export function toClientConnectionString(url: string): string {
  const location = parseStoreUrl(url, 'EVENT_STORE_URL', ['kurrentdb']);
  const scheme = /^[^:]+/.exec(location.url)![0];
  return scheme.toLowerCase().replace(/^kurrentdb/, 'esdb') + location.url.slice(scheme.length);
}

/**
 * The expected revision for one append attempt. We first check the caller's
 * expectation against the stream version we just read (throwing our conflict
 * at once when it cannot hold), then always send the exact revision we read,
 * so the hash chain computed from that read cannot fork under a race, even for
 * 'any' and 'exists'. A number n is a stream version (count of events), so the
 * KurrentDB revision is n - 1, and version 0 is NO_STREAM.
 */
export function expectedRevisionFor(streamId: string, expected: ExpectedVersion, currentVersion: number): AppendExpectedRevision {
  checkExpectedVersion(streamId, expected, currentVersion);
  return currentVersion === 0 ? NO_STREAM : BigInt(currentVersion - 1);
}

/** KurrentDB's current revision (last event number, or NO_STREAM) as our stream version (count of events). */
export function versionOf(current: CurrentRevision): number {
  return current === NO_STREAM ? 0 : Number(current) + 1;
}

/** What servers before 22.6 put in the commit position of an event read from its stream. */
const NO_POSITION = 2n ** 64n - 1n;

/** What we keep in a KurrentDB event's metadata: the caller's metadata and the hash-chain link. */
export interface Envelope {
  metadata: EventMetadata;
  /** The revision that was hashed (KurrentDB's own event number is authoritative on read). */
  revision: number;
  recordedAt: string;
  previousHash: string | null;
  hash: string;
}

const envelopeSchema = z.object({
  metadata: z.looseObject({
    occurredAt: z.string(),
    actor: z.string().nullable(),
    commandId: z.string().nullable(),
    correlationId: z.string().nullable(),
    causationId: z.string().nullable(),
    schemaVersion: z.number().int(),
  }),
  revision: z.number().int().nonnegative(),
  recordedAt: z.string(),
  previousHash: z.string().nullable(),
  hash: z.string(),
});

/**
 * The KurrentDB events for one append, continuing the stream's hash chain from
 * `head`; every event shares the append's `recordedAt`.
 */
export function toEventData(streamId: string, head: StreamHead, recordedAt: string, events: ValidEvent[]): EventData[] {
  return chainEvents(streamId, head, recordedAt, events).map((record) => {
    const envelope: Envelope = {
      metadata: JSON.parse(record.metadataJson) as EventMetadata,
      revision: record.revision,
      recordedAt: record.recordedAt,
      previousHash: record.previousHash,
      hash: record.hash,
    };
    return jsonEvent({ id: record.id, type: record.type, data: JSON.parse(record.dataJson) as JsonObject, metadata: envelope });
  });
}

/** The parts of the client's recorded event we read (its RecordedEvent type fits this shape). */
export interface KurrentRecordedEvent {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  isJson: boolean;
  data: unknown;
  metadata: unknown;
  position?: { commit: bigint; prepare: bigint };
}

/** A non-system KurrentDB event that was not written by this adapter (or lost its envelope). */
export class ForeignEventError extends Error {
  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    reason: string,
  ) {
    super(`KurrentDB event ${streamId}@${revision} is not an Acredita event: ${reason}`);
    this.name = 'ForeignEventError';
  }
}

/**
 * Our RecordedEvent from KurrentDB's: our stream id (without the store's
 * namespace), data as stored, envelope from the metadata, position from the
 * commit position.
 */
export function fromKurrentEvent(recorded: KurrentRecordedEvent, names: StreamNames): RecordedEvent {
  const fail = (reason: string) => new ForeignEventError(recorded.streamId, recorded.revision, reason);
  if (!recorded.isJson || !isJsonObject(recorded.data)) throw fail('its data is not a JSON object');
  const parsed = envelopeSchema.safeParse(recorded.metadata);
  if (!parsed.success) throw fail(`its metadata is not our envelope (${z.prettifyError(parsed.error).replace(/\n/g, ' ')})`);
  // The 6.x client only fills `position` on a stream read from servers newer than 22.6; older ones sent 2^64 - 1.
  if (!recorded.position || recorded.position.commit === NO_POSITION) {
    throw fail('the server sent no log position (KurrentDB/EventStoreDB 22.10 or newer is required)');
  }
  const streamId = names.ourStreamId(recorded.streamId);
  if (streamId === null) throw fail(`its stream is outside this store's namespace`);
  const { metadata, recordedAt, previousHash, hash } = parsed.data;
  return {
    streamId,
    revision: Number(recorded.revision),
    position: recorded.position.commit,
    id: recorded.id.toLowerCase(),
    type: recorded.type,
    data: recorded.data,
    metadata: metadata as EventMetadata,
    recordedAt,
    hash,
    previousHash,
  };
}

/**
 * Where our streams live in KurrentDB. A namespace prefixes every stream name
 * so several stores can share one server (each contract test gets its own);
 * production uses none. Each event id we store also owns a claim stream, which
 * is how ids stay unique across streams (KurrentDB only checks within one).
 */
export class StreamNames {
  constructor(readonly namespace = '') {
    if (namespace.startsWith('$')) throw new ConfigurationError(['EVENT_STORE_URL: a KurrentDB namespace must not start with "$"']);
  }

  kurrentStream(streamId: string): string {
    return `${this.namespace}${streamId}`;
  }

  claimStream(eventId: string): string {
    return `${this.namespace}${CLAIM_STREAM_PREFIX}${eventId}`;
  }

  /** Our stream id for a KurrentDB stream name, or null when the stream is not one of our event streams. */
  ourStreamId(kurrentStream: string): string | null {
    if (!kurrentStream.startsWith(this.namespace)) return null;
    const streamId = kurrentStream.slice(this.namespace.length);
    return streamId.startsWith(CLAIM_STREAM_PREFIX) || streamId.startsWith('$') ? null : streamId;
  }

  /** Whether a $all record is one of this store's events (not KurrentDB's, not a claim, not another namespace's). */
  isOurs(recorded: { streamId: string; type: string }): boolean {
    return !isSystemEvent(recorded) && this.ourStreamId(recorded.streamId) !== null;
  }

  /** A regular expression on KurrentDB stream names matching exactly our event streams, for server-side filters. */
  streamPattern(): string {
    const namespace = this.namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return `^${namespace}(?!\\$|${CLAIM_STREAM_PREFIX})`;
  }
}

/** Stream ids starting with this are refused: the names are taken by event-id claims. */
export const CLAIM_STREAM_PREFIX = 'event-id-claim-';
export const CLAIM_EVENT_TYPE = 'EventIdClaimed';

/**
 * The first event of an id's claim stream, naming the stream the id belongs to.
 * Its own id is random on purpose: with a fixed id, KurrentDB would accept a
 * second claim to another stream as an idempotent repeat of the first.
 */
export function claimEvent(streamId: string): EventData {
  return jsonEvent({ type: CLAIM_EVENT_TYPE, data: { streamId } });
}

/** The stream an id's claim names. */
export function claimedStreamOf(recorded: KurrentRecordedEvent): string {
  const data = recorded.data as { streamId?: unknown } | undefined;
  if (recorded.type !== CLAIM_EVENT_TYPE || typeof data?.streamId !== 'string') {
    throw new ForeignEventError(recorded.streamId, recorded.revision, 'it is not an event-id claim');
  }
  return data.streamId;
}

/** KurrentDB's own bookkeeping ($-prefixed streams and event types): never shown to our callers. */
export function isSystemEvent(recorded: { streamId: string; type: string }): boolean {
  return recorded.streamId.startsWith('$') || recorded.type.startsWith('$');
}

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}
