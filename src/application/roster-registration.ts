/**
 * Many registerServant commands at once (an HR roster): the decisions of
 * registerServant one by one, with the round trips of a batch. Each
 * registration is decided as a new servant first, so a refused one claims
 * nothing; the CURPs are claimed together; the won ones are sealed and
 * appended in one transaction (appendBatch, each stream 'no_stream'). Event
 * ids derive from each command's id, as everywhere, so a repeat appends
 * nothing. Whatever the batch cannot settle by itself (a CURP held by a
 * servant that never registered, a stream that exists already, a store
 * without appendBatch) goes through office.registerServant, which owns those
 * rules (take-over of an abandoned claim, replay of a handled command).
 */
import { servantDecider } from '../domain/servants/decide.js';
import { servantStreamId } from '../domain/servants/events.js';
import type { CurpClaim, PersonalDataVault } from '../domain/servants/personal-data.js';
import { AcreditaError, ConflictError, WrongExpectedVersionError } from '../domain/shared/errors.js';
import type { CommandContext } from '../domain/shared/event.js';
import { parseCurp, type ServantId } from '../domain/shared/validation.js';
import { envelope } from './envelope.js';
import type { EventStreams, StoredStreamEvent } from './event-streams.js';
import { newAggregateId } from './ids.js';
import { timesOf } from './kit.js';
import type { Office, RegisterServantInput } from './office.js';

export interface RosterRegistrationDeps {
  streams: EventStreams;
  vault: PersonalDataVault;
  office: Pick<Office, 'registerServant'>;
}

/** One registration; its context must carry a commandId (the servant id and event ids derive from it). */
export interface Registration {
  /** No id: the servant's derives from the command id. */
  command: Omit<RegisterServantInput, 'id'>;
  context: CommandContext & { commandId: string };
}

export type RegistrationOutcome =
  | { kind: 'registered'; servantId: string }
  /** Its CURP belongs to a servant registered before. */
  | { kind: 'alreadyPresent' }
  /** The domain refused it (the error says why); nothing was recorded for it. */
  | { kind: 'refused'; error: AcreditaError };

interface Decided {
  index: number;
  servantId: string;
  curp: string;
}

/**
 * Outcomes in the order of `registrations`, whose CURPs must differ from one
 * another (the caller settles duplicates within a file). A store failure
 * rejects the whole call: the CURPs claimed by then are left as a crash leaves
 * them (taken over once abandoned, docs/events.md).
 */
export async function registerServants(deps: RosterRegistrationDeps, registrations: readonly Registration[]): Promise<RegistrationOutcome[]> {
  const outcomes: RegistrationOutcome[] = new Array(registrations.length);
  const viaOffice: number[] = [];
  if (!deps.streams.appendBatch) {
    viaOffice.push(...registrations.keys());
  } else {
    const decided = decideAsNew(registrations, outcomes);
    // All at once: one transaction and one round trip for the batch's claims.
    const claims = decided.length === 0 ? [] : await deps.vault.claimCurps(decided, registrations.at(-1)!.context.now);
    const won: Decided[] = [];
    const lost: Decided[] = [];
    const lostHolders: CurpClaim[] = [];
    decided.forEach((row, k) => {
      const holder = claims[k];
      // An erased servant's id may not claim: the office refuses it in its words.
      if (!holder) viaOffice.push(row.index);
      else if (holder.servantId === row.servantId) won.push(row);
      else {
        lost.push(row);
        lostHolders.push(holder);
      }
    });
    // A holder with events registered: the CURP is taken. One without may have been abandoned: the office decides.
    const holderEvents = await readStreams(deps.streams, lostHolders.map((holder) => servantStreamId(holder.servantId)));
    lost.forEach(({ index }, k) => (holderEvents[k].length > 0 ? (outcomes[index] = { kind: 'alreadyPresent' }) : viaOffice.push(index)));
    if (!(await appendWon(deps, registrations, won, outcomes))) viaOffice.push(...won.map(({ index }) => index));
  }
  for (const index of viaOffice.sort((a, b) => a - b)) outcomes[index] = await registerOne(deps.office, registrations[index]);
  return outcomes;
}

/** The streams' events, in one read on a store that can (a re-run reads every row's holder). */
function readStreams(streams: EventStreams, streamIds: readonly string[]): Promise<StoredStreamEvent[][]> {
  if (streamIds.length === 0) return Promise.resolve([]);
  if (streams.readStreams) return streams.readStreams(streamIds.map((streamId) => ({ streamId })));
  return Promise.all(streamIds.map((streamId) => streams.readStream(streamId)));
}

/** The registrations the domain accepts as new servants, decided with a stand-in sealer; the others get their refusal. */
function decideAsNew(registrations: readonly Registration[], outcomes: RegistrationOutcome[]): Decided[] {
  const decided: Decided[] = [];
  registrations.forEach(({ command: input, context }, index) => {
    try {
      const { servantId, curp, decision } = registration(input, context);
      servantDecider.decide(decision, servantDecider.initialState(), { seal: () => '' });
      decided.push({ index, servantId, curp });
    } catch (error) {
      if (!(error instanceof AcreditaError)) throw error;
      outcomes[index] = { kind: 'refused', error };
    }
  });
  return decided;
}

/** The decider command registerServant builds for this input (servant id from the command id). */
function registration(input: Registration['command'], context: Registration['context']) {
  const servantId = newAggregateId<ServantId>(context.commandId, 'servant');
  const curp = parseCurp(input.curp);
  return { servantId, curp, decision: { type: 'RegisterServant' as const, data: { ...input, servantId, curp }, ...timesOf(context) } };
}

/** Appends the won registrations as new streams in one transaction; false when one of the streams exists already. */
async function appendWon(deps: RosterRegistrationDeps, registrations: readonly Registration[], won: readonly Decided[], outcomes: RegistrationOutcome[]): Promise<boolean> {
  if (won.length === 0) return true;
  const items = await Promise.all(
    won.map(async ({ index }) => {
      const { command: input, context } = registrations[index];
      const { servantId, decision } = registration(input, context);
      // The won claim stored the servant's data key: the sealer comes from the vault's cache.
      const events = servantDecider.decide(decision, servantDecider.initialState(), { seal: await deps.vault.sealerFor(servantId) });
      const streamId = servantStreamId(servantId);
      return { streamId, events: envelope(streamId, events, context), expectedVersion: 'no_stream' as const };
    }),
  );
  try {
    await deps.streams.appendBatch!(items);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return false;
    throw error;
  }
  for (const { index, servantId } of won) outcomes[index] = { kind: 'registered', servantId };
  return true;
}

async function registerOne(office: RosterRegistrationDeps['office'], { command: input, context }: Registration): Promise<RegistrationOutcome> {
  try {
    const { servantId } = await office.registerServant(input, context);
    return { kind: 'registered', servantId };
  } catch (error) {
    // The only CONFLICT a registration meets is a CURP registered before (a
    // stale version is a WrongExpectedVersionError, which is not the row's fault).
    if (error instanceof ConflictError && !(error instanceof WrongExpectedVersionError)) return { kind: 'alreadyPresent' };
    if (!(error instanceof AcreditaError) || error instanceof WrongExpectedVersionError) throw error;
    return { kind: 'refused', error };
  }
}
