import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { CURRENT_SCHEMA_VERSION, upcast } from '../upcasting.js';
import type { DomainEventType } from '../events.js';
import type { Decider } from './decider.js';
import { ConflictError, WrongExpectedVersionError } from './errors.js';
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

/** The streams a decision reads besides its own, folded (see CommandHandler). */
export interface FoldedStreams {
  current<State, E extends Event>(
    streamId: string,
    decider: Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>,
  ): Promise<State>;
}

/** A stream a decision read, at the version it read. */
export interface StreamVersion {
  streamId: string;
  version: number;
}

/**
 * What a decision reads from other streams, again on every attempt: `loadDeps`
 * after the stream (it may look at its state, and runs only for a command not
 * handled before), or `loadDepsAlongside`, reads of folded streams started
 * together with the stream's (one round trip on a store with readStreams).
 */
type DepsSource<State, Deps> =
  | { loadDeps: (state: State) => Promise<Deps>; loadDepsAlongside?: never }
  | { loadDepsAlongside: (folded: FoldedStreams) => Promise<Deps>; loadDeps?: never };

export type PrecheckRequest<State, Command, E extends Event, Deps> = DepsSource<State, Deps> & {
  streamId: string;
  decider: Decider<State, Command, E, Deps>;
  command: Command;
  context: CommandContext;
  /**
   * The command usually starts its stream (an enrolment): with nothing kept for
   * the stream, it is decided as new, like kept state, without reading it; the
   * append's 'no_stream' proves that, or the command is decided again on a fresh read.
   */
  presumeNew?: boolean;
};

/** What one attempt read: the stream, and its deps when they were read alongside or reused. */
export interface StreamRead<State, Deps> {
  loaded: LoadedStream<State>;
  deps?: Deps;
  /** The folded streams the deps came from: the append requires them unchanged, on a store that can. */
  unchanged?: StreamVersion[];
  /**
   * Taken from this handler's folded states without reading (no events in
   * `loaded`): only the append's checks prove it current, so a refusal or a
   * conflict is decided again on a fresh read.
   */
  cached?: boolean;
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

type Folder<State, E extends Event> = Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>;

/**
 * Load the stream, decide, append with the version read. A concurrent writer
 * makes the append fail; then the command is decided again against fresh
 * state, a bounded number of times, unless the caller named a version.
 * Each round has one winner, so the bound covers a burst of that many
 * concurrent commands on one stream; a random pause spreads the retries.
 *
 * On a store with appendBatchIfUnchanged the append also requires the streams
 * the decision folded (standard, servant, evaluator) to be unchanged, and a
 * command without a commandId on a stream this handler wrote or folded last is
 * decided on the state it kept, without reading anything: the append's checks
 * are what prove that state current (one round trip), and a conflict or a
 * refusal is decided again on a fresh read.
 */
export class CommandHandler {
  /** Folded state of streams by stream, most recently used last: those decisions read besides their own, and those this handler appended to. */
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
   * Decides without appending, so a command is refused before it claims a guard
   * (a folio's guard stream, or a CURP's claim). Null when its commandId was handled already; otherwise
   * what it read, for `handle`'s first attempt.
   */
  async precheck<State, Command, E extends Event, Deps>(
    request: PrecheckRequest<State, Command, E, Deps>,
    trustKept = true,
  ): Promise<(StreamRead<State, Deps> & { deps: Deps }) | null> {
    const read = await this.read(request, trustKept);
    if (earlierCommand(read.loaded.events, request.context)) return null;
    const deps = 'deps' in read ? (read.deps as Deps) : await this.depsOf(request, read.loaded.state);
    try {
      request.decider.decide(request.command, read.loaded.state, deps);
    } catch (error) {
      if (read.cached) return this.precheck(request, false);
      throw error;
    }
    return { ...read, deps };
  }

  async handle<State, Command, E extends Event, Deps>(
    request: HandleRequest<State, Command, E, Deps>,
  ): Promise<HandleResult<State>> {
    const { streamId, decider, command, context, expectedVersion } = request;
    let trustKept = true;
    for (let attempt = 1; ; attempt++) {
      const read = attempt === 1 && request.prechecked ? request.prechecked : await this.read(request, trustKept);
      const { loaded } = read;
      // What was kept may be behind: decide again on what the store holds now.
      const again = () => {
        trustKept = false;
        return attempt < this.maxAttempts;
      };
      const earlier = earlierCommand(loaded.events, context);
      if (earlier) return { position: earlier.position, version: earlier.revision + 1, state: loaded.state, replayed: true };
      if (expectedVersion != null && expectedVersion !== loaded.version) {
        if (read.cached && again()) continue;
        throw new WrongExpectedVersionError(streamId, expectedVersion, loaded.version);
      }
      const deps = 'deps' in read ? (read.deps as Deps) : await this.depsOf(request, loaded.state);
      let decided: E[];
      try {
        decided = decider.decide(command, loaded.state, deps);
      } catch (error) {
        if (read.cached && again()) continue;
        throw error;
      }
      if (decided.length === 0) {
        if (read.cached && again()) continue;
        const last = loaded.events.at(-1);
        return { position: last?.position ?? 0n, version: loaded.version, state: loaded.state, replayed: false };
      }
      try {
        const [appended] = await this.appendChecked([{ streamId, events: envelope(streamId, decided, context), expectedVersion: versionOf(loaded) }], read.unchanged);
        return { position: appended.position, version: appended.nextVersion, state: this.wrote(request, loaded, decided, appended), replayed: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (read.cached && again()) continue;
        // A stream the decision folded moved: always decided again, whatever version the caller named.
        const retry = (expectedVersion == null || error.streamId !== streamId) && attempt < this.maxAttempts;
        if (!retry) throw error;
        await pause(Math.random() * Math.min(attempt, 10));
      }
    }
  }

  /**
   * The first attempt of `handle` after a precheck, appending a guard claim
   * (a folio: a stream that must not exist yet) in the same transaction as
   * the decided events, on a store that appends to several streams at once.
   * Null when it cannot be done that way (no such store, guard taken, stream
   * moved, caller's version not met): the caller then claims and handles one
   * after the other, which sorts each case out.
   */
  async handleClaiming<State, Command, E extends Event, Deps>(
    request: HandleRequest<State, Command, E, Deps> & { prechecked: StreamRead<State, Deps> & { deps: Deps } },
    guard: { streamId: string; event: Event },
  ): Promise<HandleResult<State> | null> {
    const { streamId, decider, command, context, expectedVersion, prechecked } = request;
    const { loaded, deps } = prechecked;
    // Kept state that was behind: check the decision again on a fresh read before anything is claimed.
    const afresh = async () => {
      const fresh = await this.precheck(request, false);
      return fresh && this.handleClaiming({ ...request, prechecked: fresh }, guard);
    };
    if (!this.streams.appendBatch) return null;
    if (expectedVersion != null && expectedVersion !== loaded.version) return prechecked.cached ? afresh() : null;
    const decided = decider.decide(command, loaded.state, deps);
    if (decided.length === 0) return null;
    try {
      const [, appended] = await this.appendChecked(
        [
          { streamId: guard.streamId, events: envelope(guard.streamId, [guard.event], context), expectedVersion: 'no_stream' },
          { streamId, events: envelope(streamId, decided, context), expectedVersion: versionOf(loaded) },
        ],
        prechecked.unchanged,
      );
      return { position: appended.position, version: appended.nextVersion, state: this.wrote(request, loaded, decided, appended), replayed: false };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      return prechecked.cached ? afresh() : null;
    }
  }

  /** One append of the decided items, requiring the folded streams unchanged where the store can. */
  private appendChecked(
    items: { streamId: string; events: StreamEvent[]; expectedVersion: number | 'no_stream' }[],
    unchanged: StreamVersion[] = [],
  ): Promise<{ nextVersion: number; position: bigint }[]> {
    if (unchanged.length > 0 && this.streams.appendBatchIfUnchanged) return this.streams.appendBatchIfUnchanged(items, unchanged);
    if (items.length > 1) return this.streams.appendBatch!(items);
    const [{ streamId, events, expectedVersion }] = items;
    return this.streams.append(streamId, events, { expectedVersion }).then((appended) => [appended]);
  }

  /** The state after an append, kept for the next command on the stream when the append is exactly what was decided. */
  private wrote<State, E extends Event>(
    request: { streamId: string; decider: Folder<State, E> },
    loaded: LoadedStream<State>,
    decided: readonly E[],
    appended: { nextVersion: number },
  ): State {
    const state = decided.reduce((s, e) => request.decider.evolve(s, e), loaded.state);
    if (appended.nextVersion === loaded.version + decided.length) this.keep(request.streamId, request.decider, state, appended.nextVersion);
    return state;
  }

  /**
   * The current state of a stream a decision reads but does not write (standard,
   * servant, evaluator). The log is append-only, so a folded state stays right up
   * to its version: only the events after it are read (usually none) and folded
   * on, unless `trustKept` takes the kept state as it is (the append then checks
   * it). It holds what the log holds, no more: a servant's sealed data as
   * recorded, gone from the state as soon as an erasure is in the log.
   */
  private async fold<State, E extends Event>(streamId: string, decider: Folder<State, E>, trustKept: boolean): Promise<StreamVersion & { state: State }> {
    const kept = this.kept<State>(streamId, decider);
    if (kept && trustKept) return { streamId, ...kept };
    const from = kept?.version ?? 0;
    const tail = await this.readStream(streamId, from);
    const state = tail.reduce((s, stored) => decider.evolve(s, toDomainEvent<E>(stored)), kept ? kept.state : decider.initialState());
    const version = from + tail.length;
    this.keep(streamId, decider, state, version);
    return { streamId, state, version };
  }

  private kept<State>(streamId: string, decider: unknown): { state: State; version: number } | undefined {
    const kept = this.folded.get(streamId);
    return kept?.decider === decider ? (kept as { state: State; version: number }) : undefined;
  }

  private keep(streamId: string, decider: unknown, state: unknown, version: number): void {
    // A concurrent read may have folded further meanwhile: keep the newer one.
    const latest = this.folded.get(streamId);
    if (latest && latest.decider === decider && latest.version > version) return;
    this.folded.delete(streamId);
    this.folded.set(streamId, { decider, state, version });
    if (this.folded.size > this.foldedLimit) this.folded.delete(this.folded.keys().next().value!);
  }

  private async load<State, E extends Event>(streamId: string, decider: Folder<State, E>): Promise<LoadedStream<State>> {
    const events = await this.readStream(streamId);
    return { state: foldStream(decider, events), version: events.length, events };
  }

  /**
   * The stream and what the decision folds. Kept state (or a stream presumed
   * new) is trusted only for a command without a commandId (its earlier events
   * are not kept), whose deps are plain reads, on a store whose append can check them.
   */
  private async read<State, Command, E extends Event, Deps>(
    request: PrecheckRequest<State, Command, E, Deps>,
    trustKept: boolean,
  ): Promise<StreamRead<State, Deps>> {
    const { loadDepsAlongside } = request;
    if (!loadDepsAlongside) return { loaded: await this.load(request.streamId, request.decider) };
    const trusted =
      trustKept && !request.context.commandId && this.streams.appendBatchIfUnchanged
        ? (this.kept<State>(request.streamId, request.decider) ??
          (request.presumeNew ? { state: request.decider.initialState(), version: 0 } : undefined))
        : undefined;
    const unchanged: StreamVersion[] = [];
    const folded: FoldedStreams = {
      current: async (streamId, decider) => {
        const { state, version } = await this.fold(streamId, decider, trusted !== undefined);
        unchanged.push({ streamId, version });
        return state;
      },
    };
    if (trusted) return { loaded: { ...trusted, events: [] }, deps: await loadDepsAlongside(folded), unchanged, cached: true };
    const [loaded, deps] = await Promise.all([this.load(request.streamId, request.decider), loadDepsAlongside(folded)]);
    return { loaded, deps, unchanged };
  }

  private depsOf<State, Deps>(request: DepsSource<State, Deps>, state: State): Promise<Deps> {
    if (request.loadDeps) return request.loadDeps(state);
    return request.loadDepsAlongside!({ current: async (streamId, decider) => (await this.fold(streamId, decider, false)).state });
  }
}

const versionOf = (loaded: LoadedStream<unknown>): number | 'no_stream' => (loaded.version === 0 ? 'no_stream' : loaded.version);

/**
 * The event an earlier run of this command recorded, if any. Idempotency is the
 * caller's own: the same commandId from another actor is CONFLICT and tells
 * nothing of the first command (api.md, "Consistency").
 */
function earlierCommand(events: readonly StoredStreamEvent[], context: CommandContext): StoredStreamEvent | undefined {
  if (!context.commandId) return undefined;
  const earlier = events.findLast((event) => event.metadata.commandId === context.commandId);
  if (earlier && earlier.metadata.actor !== context.actor) {
    throw new ConflictError('This commandId was already used by another caller; send a new one');
  }
  return earlier;
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
