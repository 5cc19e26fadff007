/**
 * Pure translations between our event store contract and KurrentDB/EventStoreDB
 * (`@eventstore/db-client` 6.x): connection string, expected versions, and the
 * envelope (revision, recordedAt, hash chain) we carry in each event's metadata.
 * Nothing here talks to a server, so all of it is unit-tested without one.
 */
import { jsonEvent, NO_STREAM, type AppendExpectedRevision, type CurrentRevision, type EventData } from '@eventstore/db-client';
import { z } from 'zod';
import { checkExpectedVersion, chainEvents, type StreamHead } from './append-rules.js';
import { ConfigurationError } from './errors.js';
import type { EventMetadata, ExpectedVersion, JsonObject, NewEvent, RecordedEvent } from './types.js';

/** Schemes we accept in EVENT_STORE_URL, and the one the 6.x client understands for each. */
const SCHEMES: Record<string, string> = {
  esdb: 'esdb',
  'esdb+discover': 'esdb+discover',
  kurrentdb: 'esdb',
  'kurrentdb+discover': 'esdb+discover',
};

/** `kurrentdb://host:2113?tls=false` -> `esdb://host:2113?tls=false`: the 6.x client only parses esdb schemes. */
export function toClientConnectionString(url: string): string {
  const match = /^([a-z+]+):\/\//i.exec(url);
  const scheme = match ? SCHEMES[match[1].toLowerCase()] : undefined;
  if (!match || !scheme) {
    // Never echo the value: it may carry a password.
    const got = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    throw new ConfigurationError(
      'EVENT_STORE_URL',
      `a KurrentDB URL must start with esdb:// or kurrentdb:// (optionally +discover), got ${got ? `a "${got}" URL` : 'a value without a scheme'}`,
    );
  }
  return `${scheme}://${url.slice(match[0].length)}`;
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
export function toEventData(streamId: string, head: StreamHead, recordedAt: string, events: NewEvent[]): EventData[] {
  return chainEvents(streamId, head, recordedAt, events).map((record) => {
    const envelope: Envelope = {
      metadata: record.metadata,
      revision: record.revision,
      recordedAt: record.recordedAt,
      previousHash: record.previousHash,
      hash: record.hash,
    };
    return jsonEvent({ id: record.id, type: record.type, data: record.data, metadata: envelope });
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

/** Our RecordedEvent from KurrentDB's: data as stored, envelope from the metadata, position from the commit position. */
export function fromKurrentEvent(recorded: KurrentRecordedEvent): RecordedEvent {
  const fail = (reason: string) => new ForeignEventError(recorded.streamId, recorded.revision, reason);
  if (!recorded.isJson || !isJsonObject(recorded.data)) throw fail('its data is not a JSON object');
  const parsed = envelopeSchema.safeParse(recorded.metadata);
  if (!parsed.success) throw fail(`its metadata is not our envelope (${z.prettifyError(parsed.error).replace(/\n/g, ' ')})`);
  // The 6.x client only fills `position` on a stream read from servers newer than 22.6.
  if (!recorded.position) throw fail('the server sent no log position (KurrentDB/EventStoreDB 22.10 or newer is required)');
  const { metadata, recordedAt, previousHash, hash } = parsed.data;
  return {
    streamId: recorded.streamId,
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

/** KurrentDB's own bookkeeping ($-prefixed streams and event types): never shown to our callers. */
export function isSystemEvent(recorded: { streamId: string; type: string }): boolean {
  return recorded.streamId.startsWith('$') || recorded.type.startsWith('$');
}

function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}
