import { AcreditaError, ConflictError } from '../domain/shared/errors.js';
import type { ExpectedVersion } from './types.js';

/** The stream is not at the version the caller expected. */
export class WrongExpectedVersionError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${String(expected)}`, {
      streamId,
      expectedVersion: String(expected),
      actualVersion: actual,
    });
  }
}

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
