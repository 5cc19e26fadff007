import type { EventStreams } from '../application/event-streams.js';
import type { AppendBatchItem, EventStore, NewEvent } from '../eventstore/types.js';

/**
 * The domain's view of an event store. Domain event data are plain JSON by
 * construction (strings, numbers, booleans, null, arrays, objects); the store
 * validates that again on append.
 */
export function eventStreamsOf(store: EventStore): EventStreams {
  return {
    readStream: (streamId, options) => store.readStream(streamId, options),
    ...(store.readStreams && { readStreams: (requests) => store.readStreams!(requests) }),
    append: (streamId, events, options) => store.append(streamId, events as NewEvent[], options),
    ...(store.appendBatch && { appendBatch: (items) => store.appendBatch!(items as AppendBatchItem[]) }),
    ...(store.appendBatchIfUnchanged && {
      appendBatchIfUnchanged: (items, unchanged) => store.appendBatchIfUnchanged!(items as AppendBatchItem[], unchanged),
    }),
  };
}
