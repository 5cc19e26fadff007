import type { PersonalDataVault } from '../servants/personal-data.js';
import type { CommandHandler } from '../shared/command-handler.js';
import type { CommandContext } from '../shared/event.js';
import type { EventStreams } from '../shared/event-streams.js';

/** What every command handler function works with. */
export interface HandlerKit {
  handler: CommandHandler;
  streams: EventStreams;
  vault: PersonalDataVault;
}

/** A decider command built from an Office input and the command's context. */
export function command<Type extends string, Data>(type: Type, data: Data, context: CommandContext) {
  return { type, data, occurredAt: context.occurredAt, now: context.now };
}
