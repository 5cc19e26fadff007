import type { Decider } from '../domain/shared/decider.js';
import type { Event } from '../domain/shared/event.js';
import { upcast } from '../domain/upcasting.js';
import type { StoredStreamEvent } from './event-streams.js';

/** What folds a stream into state: a decider's initialState and evolve. */
export type Folder<State, E extends Event> = Pick<Decider<State, unknown, E, unknown>, 'initialState' | 'evolve'>;

/** A stored event as evolve knows it: its data upcast to the current schema. */
export function toDomainEvent<E extends Event>(stored: Pick<StoredStreamEvent, 'type' | 'data' | 'metadata'>): E {
  const { data } = upcast(stored.type, stored.data, stored.metadata.schemaVersion);
  return { type: stored.type, data } as unknown as E;
}

/** Folds stored events (upcast to the current schema) with a decider's evolve, from `state` (default its initial state). */
export function foldStream<State, E extends Event>(
  folder: Folder<State, E>,
  events: readonly StoredStreamEvent[],
  state: State = folder.initialState(),
): State {
  return events.reduce((folded, stored) => folder.evolve(folded, toDomainEvent<E>(stored)), state);
}
