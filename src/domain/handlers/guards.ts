import { ConflictError, WrongExpectedVersionError } from '../shared/errors.js';
import type { CommandContext, Event } from '../shared/event.js';
import { envelope } from '../shared/command-handler.js';
import type { HandlerKit } from './kit.js';

export interface GuardClaim {
  /** The guard stream, e.g. `folio-{folio}`. */
  streamId: string;
  /** The event that records the claim. */
  event: Event;
  /** Who holds the claim: the same owner may claim again (a retry after a crash). */
  owner: string;
  ownerOf: (event: { data: Record<string, unknown> }) => string;
  /** True when the current holder never completed its command, so the claim may be taken over. */
  isAbandoned: (holder: string) => Promise<boolean>;
  conflictMessage: string;
}

/** A claim (a folio's guard stream, a CURP's claim) this old whose command never completed was left by a crash, not by a command in flight. */
export const ABANDONED_CLAIM_MS = 60_000;

/**
 * Cross-stream uniqueness in the log (folios; a CURP is claimed next to the
 * data keys instead, see servants.ts): the first append to the guard stream
 * wins ('no_stream'). A claim whose holder never completed within
 * ABANDONED_CLAIM_MS is taken over, so a crash between the two appends does
 * not lock a folio forever.
 */
export async function claimGuard(kit: HandlerKit, claim: GuardClaim, context: CommandContext): Promise<void> {
  const events = envelope(claim.streamId, [claim.event], context);
  try {
    await kit.streams.append(claim.streamId, events, { expectedVersion: 'no_stream' });
    return;
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
  }
  const existing = await kit.handler.readStream(claim.streamId);
  const last = existing.at(-1);
  const holder = last ? claim.ownerOf(last) : null;
  if (holder === claim.owner) return;
  const stale = last !== undefined && context.now.getTime() - Date.parse(last.recordedAt) > ABANDONED_CLAIM_MS;
  if (holder === null || !stale || !(await claim.isAbandoned(holder))) {
    throw new ConflictError(claim.conflictMessage);
  }
  // Take over an abandoned claim; a concurrent taker makes this append fail with CONFLICT.
  await kit.streams.append(claim.streamId, events, { expectedVersion: existing.length });
}
