import { evaluatorDecider } from '../domain/evaluators/decide.js';
import { evaluatorStreamId } from '../domain/evaluators/events.js';
import type { CommandContext } from '../domain/shared/event.js';
import { parseEvaluatorId, parseFolio, parseStandardCodes, type EvaluatorId } from '../domain/shared/validation.js';
import { standardDecider } from '../domain/standards/decide.js';
import { standardStreamId } from '../domain/standards/events.js';
import { newAggregateId } from './ids.js';
import { timesOf, type UseCaseKit } from './kit.js';
import type { AccreditEvaluatorInput } from './office.js';

export async function accreditEvaluator(kit: UseCaseKit, { id, ...input }: AccreditEvaluatorInput, context: CommandContext) {
  const evaluatorId = id ? parseEvaluatorId(id, 'id') : newAggregateId<EvaluatorId>(context.commandId, 'evaluator');
  const standardCodes = parseStandardCodes(input.standardCodes);
  const ec0076Folio = parseFolio(input.ec0076Folio, 'ec0076Folio');
  const { position } = await kit.handler.handle({
    streamId: evaluatorStreamId(evaluatorId),
    decider: evaluatorDecider,
    command: { type: 'AccreditEvaluator', data: { ...input, evaluatorId, standardCodes, ec0076Folio }, ...timesOf(context) },
    context,
    deps: {
      alongside: async (streams) => {
        const states = await Promise.all(standardCodes.map((code) => streams.current(standardStreamId(code), standardDecider)));
        return { standards: new Map(standardCodes.map((code, i) => [code, states[i]])) };
      },
    },
  });
  return { position, evaluatorId };
}
