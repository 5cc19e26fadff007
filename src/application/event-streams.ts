/**
 * What command handling needs from an event store, declared by the application
 * so it depends on no storage code. Every EventStore satisfies it (see src/app).
 */
export interface StreamEventMetadata {
  occurredAt: string;
  actor: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  schemaVersion: number;
}

export interface StreamEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: StreamEventMetadata;
}

export interface StoredStreamEvent extends StreamEvent {
  revision: number;
  position: bigint;
  /** ISO-8601 time the store committed it. */
  recordedAt: string;
}

export interface EventStreams {
  /** The stream's events in order, from `fromRevision` (inclusive, default 0). */
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<StoredStreamEvent[]>;
  /** Stores that can: several streams' events, each from its fromRevision, in one read; results in request order. */
  readStreams?(requests: { streamId: string; fromRevision?: number }[]): Promise<StoredStreamEvent[][]>;
  append(
    streamId: string,
    events: StreamEvent[],
    options: { expectedVersion: number | 'no_stream' | 'any' },
  ): Promise<{ nextVersion: number; position: bigint }>;
  /** SQL stores: appends to several streams in one transaction, all or nothing; results in item order. */
  appendBatch?(
    items: { streamId: string; events: StreamEvent[]; expectedVersion: number | 'no_stream' | 'any' }[],
  ): Promise<{ nextVersion: number; position: bigint }[]>;
  /**
   * Stores that can: appendBatch that also requires the streams a decision read
   * to be still at the versions it read (a WrongExpectedVersionError naming the
   * one that moved, nothing written).
   */
  appendBatchIfUnchanged?(
    items: { streamId: string; events: StreamEvent[]; expectedVersion: number | 'no_stream' | 'any' }[],
    unchanged: { streamId: string; version: number }[],
  ): Promise<{ nextVersion: number; position: bigint }[]>;
}
