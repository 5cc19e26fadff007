/**
 * How every mutation runs a command: build the CommandContext at the edge,
 * call the Office, then wait until every read model includes the result
 * (read-your-writes) so the payload can be read from the read models.
 */
import { GraphQLError } from 'graphql';
import type { CommandResult } from '../../application/office.js';
import { ProjectionStoppedError, WaitForTimeoutError } from '../../projections/errors.js';
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
  await readYourWrites(context, result.position);
  // Payload reads start afresh: loaders may hold values from before the command.
  refreshReads(context);
  return result;
}

/**
 * The command is recorded whatever happens here. When the read models cannot
 * show it in time (a rebuild holds them, a projection stopped), say so with a
 * stable code and the position, so the client retries with the same commandId
 * (which appends nothing) instead of seeing an internal error.
 */
async function readYourWrites(context: GraphQLContext, position: bigint): Promise<void> {
  try {
    await context.deps.readModel.waitFor(position);
  } catch (error) {
    if (!(error instanceof WaitForTimeoutError || error instanceof ProjectionStoppedError)) throw error;
    throw new GraphQLError(
      `The change was recorded (position ${position}), but the read models do not show it yet; retry with the same commandId to read the result.`,
      { extensions: { code: error.code, position: String(position) } },
    );
  }
}

/** A payload's entity must exist once waitFor returned; if not, it is our bug, not the client's. */
export function mustExist<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`${what} is missing from the read model after its command`);
  return value;
}
