/**
 * Applying a batch to one projection, shared by the runner and rebuild: events
 * are upcast first, and when the batch throws it is rolled back and replayed one
 * event at a time, so the error names the exact event (the poison event) and the
 * events before it are kept.
 */
import { upcast } from '../domain/upcasting.js';
import type { RecordedEvent } from '../eventstore/types.js';
import type { Projection, ReadTransaction } from './projection.js';
import { attempt } from './transaction.js';

export type ApplyOutcome =
  | { kind: 'applied'; through: bigint }
  | {
      kind: 'poisoned';
      /** Position of the last event applied before the poison event, null if none. */
      appliedThrough: bigint | null;
      event: RecordedEvent;
      error: unknown;
    };

/**
 * Upcasts each event once per batch however many projections read it; an event
 * that cannot be upcast throws (for each projection) like a failing apply.
 */
export class Upcaster {
  private readonly done = new WeakMap<RecordedEvent, RecordedEvent | { failed: unknown }>();

  current(event: RecordedEvent): RecordedEvent {
    let result = this.done.get(event);
    if (!result) {
      try {
        const { data, schemaVersion } = upcast(event.type, event.data, event.metadata.schemaVersion);
        result = schemaVersion === event.metadata.schemaVersion && data === event.data
          ? event
          : { ...event, data, metadata: { ...event.metadata, schemaVersion } };
      } catch (failed) {
        result = { failed };
      }
      this.done.set(event, result);
    }
    if ('failed' in result) throw result.failed;
    return result;
  }
}

/** `events` must be non-empty and oldest first. */
export async function applyPinpointed(
  trx: ReadTransaction,
  projection: Projection,
  events: readonly RecordedEvent[],
  upcaster: Upcaster,
): Promise<ApplyOutcome> {
  const through = events[events.length - 1].position;
  const batchError = await attempt(trx, 'projection_batch', () => projection.apply(trx, events.map((e) => upcaster.current(e))));
  if (batchError === undefined) return { kind: 'applied', through };
  if (events.length === 1) return { kind: 'poisoned', appliedThrough: null, event: events[0], error: batchError };

  let appliedThrough: bigint | null = null;
  for (const event of events) {
    const error = await attempt(trx, 'projection_event', () => projection.apply(trx, [upcaster.current(event)]));
    if (error !== undefined) return { kind: 'poisoned', appliedThrough, event, error };
    appliedThrough = event.position;
  }
  // Every event applied on its own: the batch failure was not tied to an event
  // (e.g. a PostgreSQL deadlock); keep the work.
  return { kind: 'applied', through };
}
