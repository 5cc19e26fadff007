import type { CommandContext } from '../domain/shared/event.js';
import { goalDecider } from '../domain/goals/decide.js';
import { goalStreamId } from '../domain/goals/events.js';
import { parseGoalId, type GoalId } from '../domain/shared/validation.js';
import { newAggregateId } from './ids.js';
import { timesOf, type UseCaseKit } from './kit.js';
import type { SetGoalInput } from './office.js';

export async function setGoal(kit: UseCaseKit, { id, ...input }: SetGoalInput, context: CommandContext) {
  const goalId = id ? parseGoalId(id, 'id') : newAggregateId<GoalId>(context.commandId, 'goal');
  const { position } = await kit.handler.handle({
    streamId: goalStreamId(goalId),
    decider: goalDecider,
    command: { type: 'SetGoal', data: { ...input, goalId }, ...timesOf(context) },
    context,
    deps: { alongside: async () => undefined },
  });
  return { position, goalId };
}
