import { randomUUID } from 'node:crypto';
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

export interface HandleRequest<State, Command, E extends Event, Deps> {
  streamId: string;
  decider: Decider<State, Command, E, Deps>;
  command: Command;
  context: CommandContext;
  /** The version the caller read; a mismatch is a CONFLICT instead of a retry. */
  expectedVersion?: number | null;
  /** Reads what the decision needs from other streams; called again on every retry. */
  loadDeps: (state: State) => Promise<Deps>;
}

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

/**
 * Load the stream, decide, append with the version read. A concurrent writer
 * makes the append fail; then the command is decided again against fresh
 * state, a bounded number of times, unless the caller named a version.
 * Each round has one winner, so the bound covers a burst of that many
 * concurrent commands on one stream; a random pause spreads the retries.
 */
export class CommandHandler {
  constructor(
    private readonly streams: EventStreams,
    private readonly maxAttempts = 100,
  ) {}

  async load<State, E extends Event>(
    streamId: string,
    decider: Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>,
  ): Promise<LoadedStream<State>> {
    const events = await this.streams.readStream(streamId);
    return { state: foldStream(decider, events), version: events.length, events };
  }

  /**
   * Decides without appending, so a command is refused before it claims a guard
   * stream (CURP, folio). False when its commandId was handled already.
   */
  async precheck<State, Command, E extends Event, Deps>(
    request: Omit<HandleRequest<State, Command, E, Deps>, 'expectedVersion'>,
  ): Promise<boolean> {
    const loaded = await this.load(request.streamId, request.decider);
    if (request.context.commandId && findCommand(loaded.events, request.context.commandId)) return false;
    request.decider.decide(request.command, loaded.state, await request.loadDeps(loaded.state));
    return true;
  }

  async handle<State, Command, E extends Event, Deps>(
    request: HandleRequest<State, Command, E, Deps>,
  ): Promise<HandleResult<State>> {
    const { streamId, decider, command, context, expectedVersion } = request;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(streamId, decider);
      const earlier = context.commandId ? findCommand(loaded.events, context.commandId) : undefined;
      if (earlier) return { position: earlier.position, version: earlier.revision + 1, state: loaded.state, replayed: true };
      if (expectedVersion != null && expectedVersion !== loaded.version) {
        throw new WrongExpectedVersionError(streamId, expectedVersion, loaded.version);
      }
      const deps = await request.loadDeps(loaded.state);
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
