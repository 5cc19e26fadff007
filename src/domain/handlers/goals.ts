import { goalDecider } from '../goals/decide.js';
import { goalStreamId } from '../goals/events.js';
import type { SetGoal } from '../office.js';
import type { CommandContext } from '../shared/event.js';
import { newAggregateId } from '../shared/ids.js';
import { requireId } from '../shared/validation.js';
import { command, type HandlerKit } from './kit.js';

export async function setGoal(kit: HandlerKit, input: SetGoal, context: CommandContext) {
  const goalId = input.id ? requireId(input.id, 'id') : newAggregateId(context.commandId, 'goal');
  const result = await kit.handler.handle({
    streamId: goalStreamId(goalId),
    decider: goalDecider,
    command: command('SetGoal', { ...input, id: goalId, goalId }, context),
    context,
    loadDeps: async () => undefined,
  });
  return { position: result.position, goalId };
}
