import type { RegisterServant, ServantCommand } from '../domain/servants/commands.js';
import { checkRegistration, servantDecider, type ServantDeps } from '../domain/servants/decide.js';
import { servantStreamId } from '../domain/servants/events.js';
import type { CommandContext } from '../domain/shared/event.js';
import { parseCurp, parseServantId, type ServantId } from '../domain/shared/validation.js';
import { newAggregateId } from './ids.js';
import { timesOf, type UseCaseKit } from './kit.js';
import type { ChangeEmploymentInput, ErasePersonalDataInput, RegisterServantInput, SeparateServantInput } from './office.js';

const refuseToSeal = (): string => {
  throw new Error('personal data is sealed only when a servant is first registered');
};

/**
 * Registration claims the CURP, then seals CURP and name with a data key of
 * the servant's own, only for a command that will be accepted: the input is
 * checked first, and a servant id already taken claims nothing (the decider
 * refuses it). A won claim stores the key in the same round trip, so sealerFor
 * reads nothing; a retry claims again as the same owner (claims.ts).
 */
export async function registerServant(kit: UseCaseKit, { id, ...input }: RegisterServantInput, context: CommandContext) {
  const servantId = id ? parseServantId(id, 'id') : newAggregateId<ServantId>(context.commandId, 'servant');
  const command: RegisterServant = { type: 'RegisterServant', data: { ...input, servantId, curp: parseCurp(input.curp) }, ...timesOf(context) };
  checkRegistration(command);
  const { position } = await kit.handler.handle({
    streamId: servantStreamId(servantId),
    decider: servantDecider,
    command,
    context,
    deps: {
      fromState: async (state): Promise<ServantDeps> => {
        if (state.exists) return { seal: refuseToSeal };
        await kit.claims.curp(command.data.curp, servantId, context);
        return { seal: await kit.vault.sealerFor(servantId) };
      },
    },
  });
  return { position, servantId };
}

/** Commands on an existing servant's stream. */
async function handleServant(kit: UseCaseKit, command: Exclude<ServantCommand, { type: 'RegisterServant' }>, context: CommandContext, expectedVersion: number | null = null) {
  const { servantId } = command.data;
  const { position } = await kit.handler.handle({
    streamId: servantStreamId(servantId),
    decider: servantDecider,
    command,
    context,
    expectedVersion,
    deps: { alongside: async () => ({ seal: refuseToSeal }) },
    // Destroy the key only once the decision is known to succeed; a retry finds it gone and still appends.
    beforeAppend: command.type === 'ErasePersonalData' ? () => kit.vault.erase(servantId) : undefined,
  });
  return { position, servantId };
}

export const changeEmployment = async (kit: UseCaseKit, { expectedVersion, ...input }: ChangeEmploymentInput, context: CommandContext) =>
  handleServant(kit, { type: 'ChangeEmployment', data: { ...input, servantId: parseServantId(input.servantId) }, ...timesOf(context) }, context, expectedVersion);

export const separateServant = async (kit: UseCaseKit, { expectedVersion, ...input }: SeparateServantInput, context: CommandContext) =>
  handleServant(kit, { type: 'SeparateServant', data: { ...input, servantId: parseServantId(input.servantId) }, ...timesOf(context) }, context, expectedVersion);

export const erasePersonalData = async (kit: UseCaseKit, input: ErasePersonalDataInput, context: CommandContext) =>
  handleServant(kit, { type: 'ErasePersonalData', data: { ...input, servantId: parseServantId(input.servantId) }, ...timesOf(context) }, context);
