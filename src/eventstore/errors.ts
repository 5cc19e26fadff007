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

/** A configuration value (EVENT_STORE_URL, ...) that cannot be used. */
export class ConfigurationError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigurationError';
  }
}
