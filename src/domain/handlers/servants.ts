import type { ChangeEmployment, ErasePersonalData, RegisterServant, SeparateServant } from '../office.js';
import { servantDecider } from '../servants/decide.js';
import type { ServantState } from '../servants/state.js';
import { curpStreamId, servantStreamId } from '../servants/events.js';
import type { CommandContext } from '../shared/event.js';
import { newAggregateId } from '../shared/ids.js';
import { parseCurp, requireId } from '../shared/validation.js';
import { claimGuard } from './guards.js';
import { command, type HandlerKit } from './kit.js';

const refuseToSeal = (): string => {
  throw new Error('personal data is sealed only when a servant is first registered');
};

/**
 * Registration claims the CURP's guard stream, after a dry run of the decision
 * so a rejected registration never holds a CURP. On a store that appends to
 * several streams at once, a CURP seen free is claimed in the registration's
 * own transaction, its data key stored just before (a key must exist before
 * anything is sealed with it); otherwise the claim comes first.
 */
export async function registerServant(kit: HandlerKit, input: RegisterServant, context: CommandContext) {
  const servantId = input.id ? requireId(input.id, 'id') : newAggregateId(context.commandId, 'servant');
  const curp = parseCurp(input.curp);
  const guardStreamId = curpStreamId(kit.vault.curpDigest(curp));
  const claim = { type: 'CurpClaimed', data: { servantId } };
  const request = {
    streamId: servantStreamId(servantId),
    decider: servantDecider,
    command: command('RegisterServant', { ...input, id: servantId, servantId, curp }, context),
    context,
    loadDeps: async (state: ServantState) => ({ seal: state.exists ? refuseToSeal : await kit.vault.sealerFor(servantId) }),
  };
  const [prechecked, guard] = await Promise.all([
    kit.handler.precheck({ ...request, loadDeps: async () => ({ seal: () => '' }) }),
    kit.handler.readStream(guardStreamId),
  ]);
  if (prechecked) {
    if (guard.length === 0 && kit.streams.appendBatch) {
      // The dry run passed, so the stream is new: this servant's key, then claim and registration together.
      const deps = { seal: await kit.vault.sealerFor(servantId) };
      const registered = await kit.handler.handleClaiming({ ...request, prechecked: { loaded: prechecked.loaded, deps } }, { streamId: guardStreamId, event: claim });
      if (registered) return { position: registered.position, servantId };
    }
    await claimGuard(
      kit,
      {
        streamId: guardStreamId,
        event: claim,
        owner: servantId,
        ownerOf: (event) => String(event.data.servantId),
        isAbandoned: async (holder) => (await kit.handler.readStream(servantStreamId(holder))).length === 0,
        conflictMessage: 'A servant with this CURP is already registered',
      },
      context,
    );
  }
  // The precheck's stream, not its stand-in sealer.
  const result = await kit.handler.handle({ ...request, prechecked: prechecked ? { loaded: prechecked.loaded } : undefined });
  return { position: result.position, servantId };
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
