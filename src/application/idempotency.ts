import { ConflictError } from '../domain/shared/errors.js';
import type { CommandContext } from '../domain/shared/event.js';
import type { StoredStreamEvent } from './event-streams.js';

/**
 * The event an earlier run of this command recorded in the stream, if any.
 * A commandId is its actor's own: the same commandId from another actor is
 * CONFLICT and tells nothing of the first command (api.md, "Consistency").
 */
export function earlierRun(events: readonly StoredStreamEvent[], context: CommandContext): StoredStreamEvent | undefined {
  if (!context.commandId) return undefined;
  const earlier = events.findLast((event) => event.metadata.commandId === context.commandId);
  if (earlier && earlier.metadata.actor !== context.actor) {
    throw new ConflictError('This commandId was already used by another caller; send a new one');
  }
  return earlier;
}
