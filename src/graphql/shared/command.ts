/**
 * How every mutation runs a command: build the CommandContext at the edge,
 * call the Office, then wait until every read model includes the result
 * (read-your-writes) so the payload can be read from the read models.
 */
import type { CommandResult } from '../../domain/office.js';
import type { CommandContext } from '../../domain/shared/event.js';
import { requireViewer } from '../auth.js';
import { refreshReads, type GraphQLContext } from '../context.js';

/** Fields every mutation input may carry. */
export interface CommandInput {
  commandId?: string | null;
  occurredAt?: Date | null;
}

/** The command's own fields: commandId and occurredAt travel in the CommandContext instead. */
export type CommandOf<I extends CommandInput> = Omit<I, keyof CommandInput>;

export async function runCommand<I extends CommandInput, R extends CommandResult>(
  context: GraphQLContext,
  input: I,
  call: (command: CommandOf<I>, commandContext: CommandContext) => Promise<R>,
): Promise<R> {
  const viewer = requireViewer(context.viewer);
  const { commandId, occurredAt, ...command } = input;
  // Read the wall clock now, not at request start: it refuses future business times.
  const now = context.deps.clock.now();
  const result = await call(command, {
    occurredAt: occurredAt ?? now,
    now,
    actor: viewer.sub,
    commandId: commandId ?? null,
    correlationId: context.requestId,
  });
  await context.deps.readModel.waitFor(result.position);
  // Payload reads start afresh: loaders may hold values from before the command.
  refreshReads(context);
  return result;
}

/** A payload's entity must exist once waitFor returned; if not, it is our bug, not the client's. */
export function mustExist<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing from the read model after its command`);
  return value;
}
