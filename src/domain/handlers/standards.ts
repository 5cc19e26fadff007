import type { PublishStandard, WithdrawStandard } from '../office.js';
import type { CommandContext } from '../shared/event.js';
import { parseStandardCode } from '../shared/validation.js';
import type { StandardCommand } from '../standards/commands.js';
import { standardDecider } from '../standards/decide.js';
import { standardStreamId } from '../standards/events.js';
import { command, type HandlerKit } from './kit.js';

type StandardInput = { PublishStandard: PublishStandard; WithdrawStandard: WithdrawStandard };

/** Both standard commands act on `standard-{code}`, with the code normalised first. */
export async function handleStandard<Type extends keyof StandardInput>(
  kit: HandlerKit,
  type: Type,
  input: StandardInput[Type],
  context: CommandContext,
) {
  const code = parseStandardCode(input.code, 'code');
  const result = await kit.handler.handle({
    streamId: standardStreamId(code),
    decider: standardDecider,
    command: command(type, { ...input, code }, context) as unknown as StandardCommand,
    context,
    loadDeps: async () => undefined,
  });
  return { position: result.position, code };
}
