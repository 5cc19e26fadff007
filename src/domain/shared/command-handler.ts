import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { CURRENT_SCHEMA_VERSION, upcast } from '../upcasting.js';
import type { DomainEventType } from '../events.js';
import type { Decider } from './decider.js';
import { WrongExpectedVersionError } from './errors.js';
import type { CommandContext, Event } from './event.js';
import type { EventStreams, StoredStreamEvent, StreamEvent } from './event-streams.js';
import { derivedUuid } from './ids.js';

/** A stream folded into its decider's state. */
export interface LoadedStream<State> {
  state: State;
  /** Number of events in the stream. */
  version: number;
  events: StoredStreamEvent[];
}

/**
 * What a decision reads from other streams, again on every attempt: `loadDeps`
 * after the stream (it may look at its state, and runs only for a command not
 * handled before), or `loadDepsAlongside`, plain reads started together with
 * the stream's (one wait instead of two on a networked store).
 */
type DepsSource<State, Deps> =
  | { loadDeps: (state: State) => Promise<Deps>; loadDepsAlongside?: never }
  | { loadDepsAlongside: () => Promise<Deps>; loadDeps?: never };

export type PrecheckRequest<State, Command, E extends Event, Deps> = DepsSource<State, Deps> & {
  streamId: string;
  decider: Decider<State, Command, E, Deps>;
  command: Command;
  context: CommandContext;
};

/** What one attempt read: the stream, and its deps when they were read alongside or reused. */
export interface StreamRead<State, Deps> {
  loaded: LoadedStream<State>;
  deps?: Deps;
}

export type HandleRequest<State, Command, E extends Event, Deps> = PrecheckRequest<State, Command, E, Deps> & {
  /** The version the caller read; a mismatch is a CONFLICT instead of a retry. */
  expectedVersion?: number | null;
  /**
   * What a precheck of this command read, used by the first attempt instead of
   * reading again (its deps too, when given). The append still checks the
   * stream's version, so anything appended since makes the attempt retry.
   */
  prechecked?: StreamRead<State, Deps>;
};

export interface HandleResult<State> {
  /** Global position of the last event appended (or of the stream's last event when nothing was). */
  position: bigint;
  version: number;
  state: State;
  /** True when the commandId had been handled before and nothing was appended. */
  replayed: boolean;
}

/** Folds stored events (upcast to the current schema) with a decider's evolve. */
export function foldStream<State, E extends Event>(
  decider: Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>,
  events: readonly StoredStreamEvent[],
): State {
  return events.reduce(
    (state, stored) => decider.evolve(state, toDomainEvent<E>(stored)),
    decider.initialState(),
  );
}

export function toDomainEvent<E extends Event>(stored: Pick<StoredStreamEvent, 'type' | 'data' | 'metadata'>): E {
  const { data } = upcast(stored.type, stored.data, stored.metadata.schemaVersion);
  return { type: stored.type, data } as unknown as E;
}

interface StreamTail {
  streamId: string;
  fromRevision: number;
}

/** Streams read in one go at most; more wait for the next call. */
const READ_BATCH_LIMIT = 100;

/**
 * Load the stream, decide, append with the version read. A concurrent writer
 * makes the append fail; then the command is decided again against fresh
 * state, a bounded number of times, unless the caller named a version.
 * Each round has one winner, so the bound covers a burst of that many
 * concurrent commands on one stream; a random pause spreads the retries.
 */
export class CommandHandler {
  /** Folded state of the streams decisions read besides their own, by stream, most recently used last. */
  private readonly folded = new Map<string, { decider: unknown; state: unknown; version: number }>();

  /**
   * Every stream read of a command (its own stream, the streams it folds, a
   * guard) goes through here: reads started together, by this command or by
   * others at the same moment, become one readStreams call (one round trip on
   * PostgreSQL), or one readStream each on a store without it.
   */
  private readonly reads: DataLoader<StreamTail, StoredStreamEvent[]>;

  constructor(
    private readonly streams: EventStreams,
    private readonly maxAttempts = 100,
    private readonly foldedLimit = 10_000,
  ) {
    const readMany = streams.readStreams?.bind(streams);
    this.reads = new DataLoader(
      (tails: readonly StreamTail[]) =>
        readMany ? readMany([...tails]) : Promise.all(tails.map(({ streamId, fromRevision }) => streams.readStream(streamId, { fromRevision }))),
      { cache: false, maxBatchSize: READ_BATCH_LIMIT },
    );
  }

  /** A stream's events from `fromRevision` (default 0), read together with the other reads started now. */
  readStream(streamId: string, fromRevision = 0): Promise<StoredStreamEvent[]> {
    return this.reads.load({ streamId, fromRevision });
  }

  /**
   * The current state of a stream a decision reads but does not write (standard,
   * servant, evaluator). The log is append-only, so a folded state stays right up
   * to its version: only the events after it are read (usually none) and folded
   * on. It holds what the log holds, no more: a servant's sealed data as
   * recorded, gone from the state as soon as an erasure is in the log.
   */
  async current<State, E extends Event>(
    streamId: string,
    decider: Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>,
  ): Promise<State> {
    const cached = this.folded.get(streamId);
    const known = cached?.decider === decider ? (cached as { state: State; version: number }) : undefined;
    const from = known?.version ?? 0;
    const tail = await this.readStream(streamId, from);
    const state = tail.reduce((s, stored) => decider.evolve(s, toDomainEvent<E>(stored)), known ? known.state : decider.initialState());
    const version = from + tail.length;
    // A concurrent read may have folded further meanwhile: keep the newer one.
    const latest = this.folded.get(streamId);
    if (!latest || latest.decider !== decider || latest.version <= version) {
      this.folded.delete(streamId);
      this.folded.set(streamId, { decider, state, version });
      if (this.folded.size > this.foldedLimit) this.folded.delete(this.folded.keys().next().value!);
    }
    return state;
  }

  /**
   * Decides without appending, so a command is refused before it claims a guard
   * stream (CURP, folio). Null when its commandId was handled already; otherwise
   * what it read, for `handle`'s first attempt.
   */
  async precheck<State, Command, E extends Event, Deps>(
    request: PrecheckRequest<State, Command, E, Deps>,
  ): Promise<Required<StreamRead<State, Deps>> | null> {
    const read = await this.read(request);
    if (request.context.commandId && findCommand(read.loaded.events, request.context.commandId)) return null;
    const deps = 'deps' in read ? (read.deps as Deps) : await this.depsOf(request, read.loaded.state);
    request.decider.decide(request.command, read.loaded.state, deps);
    return { loaded: read.loaded, deps };
  }

  async handle<State, Command, E extends Event, Deps>(
    request: HandleRequest<State, Command, E, Deps>,
  ): Promise<HandleResult<State>> {
    const { streamId, decider, command, context, expectedVersion } = request;
    for (let attempt = 1; ; attempt++) {
      const read = attempt === 1 && request.prechecked ? request.prechecked : await this.read(request);
      const { loaded } = read;
      const earlier = context.commandId ? findCommand(loaded.events, context.commandId) : undefined;
      if (earlier) return { position: earlier.position, version: earlier.revision + 1, state: loaded.state, replayed: true };
      if (expectedVersion != null && expectedVersion !== loaded.version) {
        throw new WrongExpectedVersionError(streamId, expectedVersion, loaded.version);
      }
      const deps = 'deps' in read ? (read.deps as Deps) : await this.depsOf(request, loaded.state);
      const decided = decider.decide(command, loaded.state, deps);
      if (decided.length === 0) {
        const last = loaded.events.at(-1);
        return { position: last?.position ?? 0n, version: loaded.version, state: loaded.state, replayed: false };
      }
      try {
        const appended = await this.streams.append(streamId, envelope(streamId, decided, context), {
          expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version,
        });
        const state = decided.reduce((s, e) => decider.evolve(s, e), loaded.state);
        return { position: appended.position, version: appended.nextVersion, state, replayed: false };
      } catch (error) {
        const retry = error instanceof WrongExpectedVersionError && expectedVersion == null && attempt < this.maxAttempts;
        if (!retry) throw error;
        await pause(Math.random() * Math.min(attempt, 10));
      }
    }
  }

  /**
   * The first attempt of `handle` after a precheck, appending a guard claim
   * (CURP, folio: a stream that must not exist yet) in the same transaction as
   * the decided events, on a store that appends to several streams at once.
   * Null when it cannot be done that way (no such store, guard taken, stream
   * moved, caller's version not met): the caller then claims and handles one
   * after the other, which sorts each case out.
   */
  async handleClaiming<State, Command, E extends Event, Deps>(
    request: HandleRequest<State, Command, E, Deps> & { prechecked: Required<StreamRead<State, Deps>> },
    guard: { streamId: string; event: Event },
  ): Promise<HandleResult<State> | null> {
    const { streamId, decider, command, context, expectedVersion } = request;
    const { loaded, deps } = request.prechecked;
    if (!this.streams.appendBatch || (expectedVersion != null && expectedVersion !== loaded.version)) return null;
    const decided = decider.decide(command, loaded.state, deps);
    if (decided.length === 0) return null;
    try {
      const [, appended] = await this.streams.appendBatch([
        { streamId: guard.streamId, events: envelope(guard.streamId, [guard.event], context), expectedVersion: 'no_stream' },
        { streamId, events: envelope(streamId, decided, context), expectedVersion: loaded.version === 0 ? 'no_stream' : loaded.version },
      ]);
      const state = decided.reduce((s, e) => decider.evolve(s, e), loaded.state);
      return { position: appended.position, version: appended.nextVersion, state, replayed: false };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return null;
      throw error;
    }
  }

  private async load<State, E extends Event>(
    streamId: string,
    decider: Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>,
  ): Promise<LoadedStream<State>> {
    const events = await this.readStream(streamId);
    return { state: foldStream(decider, events), version: events.length, events };
  }

  private async read<State, Command, E extends Event, Deps>(
    request: PrecheckRequest<State, Command, E, Deps>,
  ): Promise<StreamRead<State, Deps>> {
    if (!request.loadDepsAlongside) return { loaded: await this.load(request.streamId, request.decider) };
    const [loaded, deps] = await Promise.all([this.load(request.streamId, request.decider), request.loadDepsAlongside()]);
    return { loaded, deps };
  }

  private depsOf<State, Deps>(request: DepsSource<State, Deps>, state: State): Promise<Deps> {
    return request.loadDeps ? request.loadDeps(state) : request.loadDepsAlongside!();
  }
}

function findCommand(events: readonly StoredStreamEvent[], commandId: string): StoredStreamEvent | undefined {
  return events.findLast((event) => event.metadata.commandId === commandId);
}

/** Wraps domain events with metadata; ids derive from the commandId so a repeat appends nothing. */
export function envelope(streamId: string, events: readonly Event[], context: CommandContext): StreamEvent[] {
  return events.map((event, index) => ({
    id: context.commandId ? derivedUuid('event', context.commandId, streamId, String(index)) : randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      occurredAt: context.occurredAt.toISOString(),
      actor: context.actor,
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.commandId,
      schemaVersion: CURRENT_SCHEMA_VERSION[event.type as DomainEventType] ?? 1,
    },
  }));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
