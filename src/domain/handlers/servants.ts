import type { ChangeEmployment, ErasePersonalData, RegisterServant, SeparateServant } from '../office.js';
import { servantDecider } from '../servants/decide.js';
import type { ServantState } from '../servants/state.js';
import { servantStreamId } from '../servants/events.js';
import type { CommandContext } from '../shared/event.js';
import { newAggregateId } from '../shared/ids.js';
import { parseCurp, requireId } from '../shared/validation.js';
import { ConflictError } from '../shared/errors.js';
import { ABANDONED_CLAIM_MS } from './guards.js';
import { command, type HandlerKit } from './kit.js';

const refuseToSeal = (): string => {
  throw new Error('personal data is sealed only when a servant is first registered');
};

/**
 * Registration claims the CURP, after a dry run of the decision so a rejected
 * registration never holds one. The claim is kept by the vault next to the
 * data keys, not in the log: erasure deletes it with the servant's key, so the
 * CURP is free again and nothing an auditor reads links it to the erased
 * servant (the CurpClaimed events of older databases stay, and no longer count).
 */
export async function registerServant(kit: HandlerKit, input: RegisterServant, context: CommandContext) {
  const servantId = input.id ? requireId(input.id, 'id') : newAggregateId(context.commandId, 'servant');
  const curp = parseCurp(input.curp);
  const request = {
    streamId: servantStreamId(servantId),
    decider: servantDecider,
    command: command('RegisterServant', { ...input, id: servantId, servantId, curp }, context),
    context,
    loadDeps: async (state: ServantState) => ({ seal: state.exists ? refuseToSeal : await kit.vault.sealerFor(servantId) }),
  };
  const prechecked = await kit.handler.precheck({ ...request, loadDeps: async () => ({ seal: () => '' }) });
  if (prechecked) await claimCurp(kit, curp, servantId, context);
  // The precheck's stream, not its stand-in sealer.
  const result = await kit.handler.handle({ ...request, prechecked: prechecked ? { loaded: prechecked.loaded } : undefined });
  return { position: result.position, servantId };
}

/**
 * The first claim wins; the same servant may claim again (a retry after a
 * crash). A claim whose holder never registered within ABANDONED_CLAIM_MS was
 * left by a crash between claim and registration, and is taken over.
 */
async function claimCurp(kit: HandlerKit, curp: string, servantId: string, context: CommandContext): Promise<void> {
  const holder = await kit.vault.claimCurp(curp, servantId, context.now);
  if (holder.servantId === servantId) return;
  const stale = context.now.getTime() - holder.claimedAt.getTime() > ABANDONED_CLAIM_MS;
  const abandoned = stale && (await kit.handler.readStream(servantStreamId(holder.servantId))).length === 0;
  // A concurrent taker makes the take-over fail: one of them registers.
  if (abandoned && (await kit.vault.takeOverCurp(curp, holder.servantId, servantId, context.now))) return;
  // Never who holds it, nor where.
  throw new ConflictError('A servant with this CURP is already registered');
}

type ServantInput = {
  ChangeEmployment: ChangeEmployment;
  SeparateServant: SeparateServant;
  ErasePersonalData: ErasePersonalData;
};

/** Commands on an existing servant's stream. */
export async function handleServant<Type extends keyof ServantInput>(
  kit: HandlerKit,
  type: Type,
  input: ServantInput[Type],
  context: CommandContext,
) {
  const servantId = requireId(input.servantId, 'servantId');
  const servantCommand = command(type, { ...input, servantId }, context) as Parameters<typeof servantDecider.decide>[0];
  const result = await kit.handler.handle({
    streamId: servantStreamId(servantId),
    decider: servantDecider,
    command: servantCommand,
    context,
    expectedVersion: 'expectedVersion' in input ? input.expectedVersion : null,
    loadDeps: async (state) => {
      if (type === 'ErasePersonalData') {
        // Destroy the key only once the decision is known to succeed; a retry finds it gone and still appends.
        servantDecider.decide(servantCommand, state, { seal: refuseToSeal });
        await kit.vault.erase(servantId);
      }
      return { seal: refuseToSeal };
    },
  });
  return { position: result.position, servantId };
}
