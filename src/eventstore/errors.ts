import { AcreditaError, ConflictError } from '../domain/shared/errors.js';

// Defined in the domain so command handlers can recognise it without knowing the store.
export { WrongExpectedVersionError } from '../domain/shared/errors.js';

/** An append or read the store refuses before touching anything. */
export class InvalidEventStoreInputError extends AcreditaError {
  constructor(message: string) {
    super('BAD_USER_INPUT', message);
  }
}

/** Event ids already stored, but not as the same append (different stream or a partial overlap). */
export class DuplicateEventIdError extends ConflictError {
  constructor(readonly eventId: string) {
    super(`Event id ${eventId} is already stored in another append`, { eventId });
  }
}

/**
 * Configuration that cannot be used: every unusable variable (EVENT_STORE_URL,
 * READ_STORE_URL, JWT_SECRET, ...) at once, one line each, starting with its name.
 * Defined beside the store because the store's factories refuse URLs and schemas too.
 */
export class ConfigurationError extends Error {
  readonly code = 'BAD_CONFIGURATION';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigurationError';
  }
}
