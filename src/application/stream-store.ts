/**
 * The port the command handler reads and writes through: streams folded into
 * state, and one append for the streams a decision writes. `streamStore` is
 * the plain one over an EventStreams; `StateCache` (state-cache.ts) decorates it.
 */
import DataLoader from 'dataloader';
import type { Event } from '../domain/shared/event.js';
import type { EventStreams, StoredStreamEvent, StreamEvent } from './event-streams.js';
import { foldStream, type Folder } from './folding.js';

/** A stream folded up to `version` (its number of events); `position` is its last event's (0n for none). */
export interface Folded<State> {
  state: State;
  version: number;
  position: bigint;
}

/**
 * 'fresh': what the store holds now. 'kept': a state this process kept may be
 * answered without reading (the append's checks must then prove it current).
 * 'keptOrNew': like 'kept', and with nothing kept the stream is presumed not
 * to exist yet (the append's 'no_stream' proves it).
 */
export type Freshness = 'fresh' | 'kept' | 'keptOrNew';

/** A stream a decision read, at the version it read. */
export interface StreamVersion {
  streamId: string;
  version: number;
}

export interface AppendItem {
  streamId: string;
  events: StreamEvent[];
  expectedVersion: number | 'no_stream';
  /** The state the events were decided on, for a store that keeps states to fold them on. */
  decidedOn?: { folder: Folder<unknown, Event>; folded: Folded<unknown> };
}

export interface Appended {
  nextVersion: number;
  position: bigint;
}

export interface StreamStore {
  /** A stream's events from `fromRevision` (default 0). */
  read(streamId: string, fromRevision?: number): Promise<StoredStreamEvent[]>;
  fold<State, E extends Event>(streamId: string, folder: Folder<State, E>, freshness: Freshness): Promise<Folded<State>>;
  /**
   * The items in one transaction (several only where `appendsMany`), also
   * requiring the `unchanged` streams at their versions where `checksUnchanged`.
   * A WrongExpectedVersionError names the stream that moved; nothing is written then.
   */
  append(items: AppendItem[], unchanged?: readonly StreamVersion[]): Promise<Appended[]>;
  readonly appendsMany: boolean;
  readonly checksUnchanged: boolean;
}

/** Streams read in one go at most; more wait for the next call. */
const READ_BATCH_LIMIT = 100;

interface StreamTail {
  streamId: string;
  fromRevision: number;
}

/**
 * Every stream read goes through one DataLoader: reads started together, by
 * one command or by several at the same moment, become one readStreams call
 * (one round trip on PostgreSQL), or one readStream each on a store without it.
 */
export function streamStore(streams: EventStreams): StreamStore {
  const readMany = streams.readStreams?.bind(streams);
  const reads = new DataLoader(
    (tails: readonly StreamTail[]) =>
      readMany ? readMany([...tails]) : Promise.all(tails.map(({ streamId, fromRevision }) => streams.readStream(streamId, { fromRevision }))),
    { cache: false, maxBatchSize: READ_BATCH_LIMIT },
  );
  const read = (streamId: string, fromRevision = 0) => reads.load({ streamId, fromRevision });
  return {
    read,
    async fold(streamId, folder, freshness) {
      // Nothing is kept here: a stream presumed new is not read at all.
      if (freshness === 'keptOrNew') return { state: folder.initialState(), version: 0, position: 0n };
      const events = await read(streamId);
      return { state: foldStream(folder, events), version: events.length, position: events.at(-1)?.position ?? 0n };
    },
    append(decided, unchanged = []) {
      const items = decided.map(({ decidedOn: _, ...item }) => item);
      if (unchanged.length > 0 && streams.appendBatchIfUnchanged) return streams.appendBatchIfUnchanged(items, [...unchanged]);
      if (items.length > 1) {
        if (!streams.appendBatch) throw new Error('This event store cannot append to several streams at once');
        return streams.appendBatch(items);
      }
      const [{ streamId, events, expectedVersion }] = items;
      return streams.append(streamId, events, { expectedVersion }).then((appended) => [appended]);
    },
    appendsMany: streams.appendBatch !== undefined,
    checksUnchanged: streams.appendBatchIfUnchanged !== undefined,
  };
}
