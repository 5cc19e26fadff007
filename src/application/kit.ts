import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import type { CommandContext } from '../domain/shared/event.js';
import type { UniquenessClaims } from './claims.js';
import type { CommandHandler } from './command-handler.js';

/** What every use case works with. */
export interface UseCaseKit {
  handler: CommandHandler;
  claims: UniquenessClaims;
  vault: PersonalDataVault;
}

/** The two times a decider command carries, from the command's context. */
export const timesOf = ({ occurredAt, now }: CommandContext) => ({ occurredAt, now });
