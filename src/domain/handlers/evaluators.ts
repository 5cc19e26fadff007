import { evaluatorDecider } from '../evaluators/decide.js';
import { evaluatorStreamId } from '../evaluators/events.js';
import type { AccreditEvaluator } from '../office.js';
import type { CommandContext } from '../shared/event.js';
import { newAggregateId } from '../shared/ids.js';
import { parseStandardCode, requireId } from '../shared/validation.js';
import { standardDecider } from '../standards/decide.js';
import { standardStreamId } from '../standards/events.js';
import type { StandardState } from '../standards/state.js';
import { command, type HandlerKit } from './kit.js';

export async function accreditEvaluator(kit: HandlerKit, input: AccreditEvaluator, context: CommandContext) {
  const evaluatorId = input.id ? requireId(input.id, 'id') : newAggregateId(context.commandId, 'evaluator');
  const standardCodes = input.standardCodes.map((code) => parseStandardCode(code, 'standardCodes'));
  const result = await kit.handler.handle({
    streamId: evaluatorStreamId(evaluatorId),
    decider: evaluatorDecider,
    command: command('AccreditEvaluator', { ...input, id: evaluatorId, evaluatorId, standardCodes }, context),
    context,
    loadDepsAlongside: async (folded) => {
      const codes = [...new Set(standardCodes)];
      const states = await Promise.all(codes.map((code) => folded.current(standardStreamId(code), standardDecider)));
      return { standards: Object.fromEntries(codes.map((code, i) => [code, states[i]])) as Record<string, StandardState> };
    },
  });
  return { position: result.position, evaluatorId };
}
