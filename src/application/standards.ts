import type { CommandContext } from '../domain/shared/event.js';
import { parseStandardCode } from '../domain/shared/validation.js';
import type { StandardCommand } from '../domain/standards/commands.js';
import { standardDecider } from '../domain/standards/decide.js';
import { standardStreamId } from '../domain/standards/events.js';
import { timesOf, type UseCaseKit } from './kit.js';
import type { PublishStandardInput, WithdrawStandardInput } from './office.js';

const noDeps = { alongside: async () => undefined };

async function handleStandard(kit: UseCaseKit, command: StandardCommand, context: CommandContext) {
  const { code } = command.data;
  const { position } = await kit.handler.handle({ streamId: standardStreamId(code), decider: standardDecider, command, context, deps: noDeps });
  return { position, code };
}

export const publishStandard = async (kit: UseCaseKit, input: PublishStandardInput, context: CommandContext) =>
  handleStandard(kit, { type: 'PublishStandard', data: { ...input, code: parseStandardCode(input.code, 'code') }, ...timesOf(context) }, context);

export const withdrawStandard = async (kit: UseCaseKit, input: WithdrawStandardInput, context: CommandContext) =>
  handleStandard(kit, { type: 'WithdrawStandard', data: { ...input, code: parseStandardCode(input.code, 'code') }, ...timesOf(context) }, context);
