/**
 * Typed errors with a stable code. The GraphQL layer maps `code` to
 * `extensions.code` (and `rule` to `extensions.rule`); nothing else is exposed.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BUSINESS_RULE'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED';

/** Rule names from shared/design/domain.md, reported as `extensions.rule`. */
export type BusinessRule =
  | 'STANDARD_NOT_ACTIVE'
  | 'SERVANT_NOT_ACTIVE'
  | 'ALREADY_CERTIFIED'
  | 'ALREADY_IN_TRAINING'
  | 'NOT_IN_TRAINING'
  | 'EVALUATOR_NOT_ACCREDITED'
  | 'NO_COMPETENT_VERDICT'
  | 'CERTIFICATE_REVOKED'
  | 'ALREADY_DELIVERED'
  | 'PERSONAL_DATA_ERASED'
  | 'CERTIFICATE_NOT_DELIVERABLE';

export class AcreditaError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly rule?: BusinessRule,
    /** Safe, non-personal details for clients (e.g. the offending field). */
    readonly details?: Record<string, string | number | boolean | null>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadUserInputError extends AcreditaError {
  constructor(message: string, field?: string) {
    super('BAD_USER_INPUT', message, undefined, field ? { field } : undefined);
  }
}

export class NotFoundError extends AcreditaError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ConflictError extends AcreditaError {
  constructor(message: string, details?: Record<string, string | number | boolean | null>) {
    super('CONFLICT', message, undefined, details);
  }
}

export class BusinessRuleError extends AcreditaError {
  constructor(rule: BusinessRule, message: string) {
    super('BUSINESS_RULE', message, rule);
  }
}

/** The stream is not at the version the caller expected (raised by every event store). */
export class WrongExpectedVersionError extends ConflictError {
  constructor(
    readonly streamId: string,
    readonly expected: number | 'any' | 'no_stream' | 'exists',
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at version ${actual}, expected ${String(expected)}`, {
      streamId,
      expectedVersion: String(expected),
      actualVersion: actual,
    });
  }
}
