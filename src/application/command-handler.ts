import pRetry from 'p-retry';
import type { Decider } from '../domain/shared/decider.js';
import { AcreditaError, WrongExpectedVersionError } from '../domain/shared/errors.js';
import type { CommandContext, Event } from '../domain/shared/event.js';
import { envelope } from './envelope.js';
import { foldStream, type Folder } from './folding.js';
import { earlierRun } from './idempotency.js';
import type { AppendItem, Folded, Freshness, StreamStore, StreamVersion } from './stream-store.js';

/** Reads the current state of streams a decision reads besides its own (standard, servant, evaluator). */
export interface DepsReader {
  current<State, E extends Event>(streamId: string, folder: Folder<State, E>): Promise<State>;
}

/**
 * What a decision reads besides its stream, again on every attempt: folded
 * streams, read `alongside` the stream (one round trip on a store with
 * readStreams), or what only the stream's state tells (`fromState`, after it,
 * always from a fresh read: it may act, as a registration claims and seals).
 */
export type DepsSource<State, Deps> =
  | { alongside: (streams: DepsReader) => Promise<Deps>; fromState?: never }
  | { fromState: (state: State) => Promise<Deps>; alongside?: never };

export interface CommandRequest<State, Command, E extends Event, Deps> {
  streamId: string;
  decider: Decider<State, Command, E, Deps>;
  command: Command;
  context: CommandContext;
  deps: DepsSource<State, Deps>;
  /** The version the caller read; a mismatch is a CONFLICT instead of a retry. */
  expectedVersion?: number | null;
  /** The command usually starts its stream (an enrolment): with nothing kept, it is decided as new without reading. */
  presumeNew?: boolean;
  /**
   * What must hold before an accepted decision is appended (a uniqueness claim,
   * destroying a data key), so a refused command does none of it. Runs on
   * decisions from a fresh read, again on every attempt that gets this far: it
   * must be idempotent.
   */
  beforeAppend?: () => Promise<void>;
  /**
   * A guard claim appended with 'no_stream' in the same transaction as the
   * decision, on a store that appends to several streams at once; when that
   * cannot be done (guard taken, stream moved), beforeAppend claims it instead.
   */
  claimTogether?: { streamId: string; event: Event };
}

export interface HandleResult {
  /** Global position of the last event appended (or of the stream's last event when nothing was). */
  position: bigint;
  /** The stream's number of events after the command. */
  version: number;
  /** True when the commandId had been handled before and nothing was appended. */
  replayed: boolean;
}

/** A decision on a kept state that appends nothing: only a fresh read can confirm it. */
class UnconfirmedByAppend extends Error {}

/**
 * Read the stream, decide, append with the version read; when another writer
 * appended in between, decide again on fresh state (p-retry, a bounded number
 * of times with a short random pause, since each round has one winner).
 *
 * The first attempt of a command without a commandId may decide on the states
 * this process kept (StateCache), without reading: the append's checks are
 * what prove them current (its own stream's version always, the streams its
 * deps folded where the store checksUnchanged), and any refusal or conflict of
 * such an attempt is decided again on a fresh read. A command with a commandId
 * reads its whole stream, to find an earlier run of it (idempotency.ts).
 */
export class CommandHandler {
  constructor(
    private readonly store: StreamStore,
    private readonly maxAttempts = 100,
  ) {}

  async handle<State, Command, E extends Event, Deps>(request: CommandRequest<State, Command, E, Deps>): Promise<HandleResult> {
    const { claimTogether, ...separately } = request;
    if (claimTogether && this.store.appendsMany) {
      // Any refusal or conflict (the guard taken, the stream moved) is settled by the claim on its own, below.
      const together = await this.attempt(request, true).catch((error: unknown) => {
        if (error instanceof AcreditaError || error instanceof UnconfirmedByAppend) return null;
        throw error;
      });
      if (together) return together;
    }
    return pRetry((attemptNumber) => this.attempt(separately, attemptNumber === 1), {
      retries: this.maxAttempts - 1,
      minTimeout: 1,
      factor: 1.5,
      maxTimeout: 10,
      randomize: true,
      shouldRetry: ({ error, attemptNumber }) => {
        if (attemptNumber === 1 && decidesOnKept(separately)) return error instanceof AcreditaError || error instanceof UnconfirmedByAppend;
        // A stream the decision folded moved: always decided again, whatever version the caller named for its own.
        return error instanceof WrongExpectedVersionError && (request.expectedVersion == null || error.streamId !== request.streamId);
      },
    });
  }

  /**
   * Decides without appending, so a batch can refuse every command before any
   * is recorded; a command handled before passes. Throws the refusal.
   */
  async check<State, Command, E extends Event, Deps>(request: CommandRequest<State, Command, E, Deps>): Promise<void> {
    try {
      await this.decision(request, decidesOnKept(request));
    } catch (error) {
      // A refusal of a kept state may be stale: only a fresh read tells.
      if (!(error instanceof AcreditaError) || !decidesOnKept(request)) throw error;
      await this.decision(request, false);
    }
  }

  private async attempt<State, Command, E extends Event, Deps>(
    request: CommandRequest<State, Command, E, Deps>,
    first: boolean,
  ): Promise<HandleResult> {
    const { streamId, context, claimTogether } = request;
    const kept = first && decidesOnKept(request);
    const decision = await this.decision(request, kept);
    if ('replayed' in decision) return decision;
    const { own, decided, unchanged } = decision;
    if (decided.length === 0) {
      if (kept) throw new UnconfirmedByAppend();
      return { position: own.position, version: own.version, replayed: false };
    }
    const item: AppendItem = {
      streamId,
      events: envelope(streamId, decided, context),
      expectedVersion: own.version === 0 ? 'no_stream' : own.version,
      decidedOn: { folder: request.decider as Folder<unknown, Event>, folded: own },
    };
    if (!claimTogether) await request.beforeAppend?.();
    const items: AppendItem[] = claimTogether
      ? [{ streamId: claimTogether.streamId, events: envelope(claimTogether.streamId, [claimTogether.event], context), expectedVersion: 'no_stream' }, item]
      : [item];
    const appended = (await this.store.append(items, unchanged)).at(-1)!;
    return { position: appended.position, version: appended.nextVersion, replayed: false };
  }

  /** Reads the stream and its deps (kept states where `kept` allows), and decides; or the result of an earlier run of the command. */
  private async decision<State, Command, E extends Event, Deps>(
    request: CommandRequest<State, Command, E, Deps>,
    kept: boolean,
  ): Promise<HandleResult | { own: Folded<State>; decided: E[]; unchanged: StreamVersion[] }> {
    const { streamId, decider, command, expectedVersion } = request;
    const unchanged: StreamVersion[] = [];
    const reader: DepsReader = {
      current: async (id, folder) => {
        const folded = await this.store.fold(id, folder, kept && this.store.checksUnchanged ? 'kept' : 'fresh');
        unchanged.push({ streamId: id, version: folded.version });
        return folded.state;
      },
    };
    const [own, alongside] = await Promise.all([
      this.own(request, kept ? (request.presumeNew && this.store.checksUnchanged ? 'keptOrNew' : 'kept') : 'fresh'),
      request.deps.alongside?.(reader),
    ]);
    if (own.earlier) return { position: own.earlier.position, version: own.earlier.revision + 1, replayed: true };
    if (expectedVersion != null && expectedVersion !== own.version) throw new WrongExpectedVersionError(streamId, expectedVersion, own.version);
    const deps = request.deps.fromState ? await request.deps.fromState(own.state) : (alongside as Deps);
    return { own, decided: decider.decide(command, own.state, deps), unchanged };
  }

  /** The command's own stream: whole when it has a commandId (an earlier run may be in it), else as freshness allows. */
  private async own<State, E extends Event>(
    request: { streamId: string; decider: Folder<State, E>; context: CommandContext },
    freshness: Freshness,
  ): Promise<Folded<State> & { earlier?: { position: bigint; revision: number } }> {
    if (!request.context.commandId) return this.store.fold(request.streamId, request.decider, freshness);
    const events = await this.store.read(request.streamId);
    return {
      state: foldStream(request.decider, events),
      version: events.length,
      position: events.at(-1)?.position ?? 0n,
      earlier: earlierRun(events, request.context),
    };
  }
}

/**
 * Kept states are for commands that act only by their append: no commandId
 * (its earlier run is looked for in the whole stream), no deps from state nor
 * beforeAppend (a claim or a sealing key must follow a decision on what the
 * store holds), unless the claim is appended in the decision's transaction.
 */
const decidesOnKept = (request: Pick<CommandRequest<unknown, unknown, Event, unknown>, 'context' | 'beforeAppend' | 'claimTogether'> & { deps: { fromState?: unknown } }): boolean =>
  !request.context.commandId && !request.deps.fromState && (request.claimTogether !== undefined || !request.beforeAppend);
