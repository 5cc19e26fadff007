/**
 * What the runner and rebuild throw. Plain errors with a stable `code`: they are
 * operational failures, not answers to a caller's input (GraphQL reports them as
 * internal errors; the event a mutation recorded stays recorded).
 */
import type { RecordedEvent } from '../eventstore/types.js';

/** Apply (or upcast) threw on one event: that projection cannot go past it. */
export class PoisonEventError extends Error {
  readonly code = 'POISON_EVENT';
  readonly position: bigint;
  readonly eventType: string;
  readonly streamId: string;

  constructor(
    readonly projection: string,
    event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `Projection "${projection}" cannot apply event ${event.position} (${event.type} in stream ${event.streamId}): ${describe(cause)}`,
      { cause },
    );
    this.name = 'PoisonEventError';
    this.position = event.position;
    this.eventType = event.type;
    this.streamId = event.streamId;
  }
}

/** waitFor gave up: a read model has not reached the position in time. */
export class WaitForTimeoutError extends Error {
  readonly code = 'READ_MODEL_TIMEOUT';

  constructor(
    readonly position: bigint,
    readonly timeoutMs: number,
    /** The projections still behind `position`. */
    readonly behind: readonly string[],
  ) {
    super(`Read models did not reach position ${position} within ${timeoutMs} ms (behind: ${behind.join(', ')})`);
    this.name = 'WaitForTimeoutError';
  }
}

/** waitFor cannot succeed: a projection stopped before `position`, or the runner stopped. */
export class ProjectionStoppedError extends Error {
  readonly code = 'PROJECTION_STOPPED';

  constructor(
    readonly position: bigint,
    readonly projection: string | null,
    reason: string,
  ) {
    super(
      projection
        ? `Read model "${projection}" will not reach position ${position}: it stopped (${reason})`
        : `Read models will not reach position ${position}: ${reason}`,
    );
    this.name = 'ProjectionStoppedError';
  }
}

/** `acredita rebuild --projection NAME` with a name no projection has. */
export class UnknownProjectionError extends Error {
  readonly code = 'BAD_USER_INPUT';

  constructor(
    readonly names: readonly string[],
    readonly known: readonly string[],
  ) {
    super(`Unknown projection ${names.map((name) => `"${name}"`).join(', ')}; known: ${known.join(', ')}`);
    this.name = 'UnknownProjectionError';
  }
}

/**
 * The first line of an error's message, capped: enough to act on, short enough
 * for a status field. Only `message` (never a driver's `detail`, which may quote
 * row values such as personal data).
 */
export function describe(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = message.split('\n', 1)[0];
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
