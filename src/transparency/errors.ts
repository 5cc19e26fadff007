/** The transparency log's typed errors (stable codes, as in src/domain/shared/errors.ts). */
import { BadUserInputError, NotFoundError } from '../domain/shared/errors.js';

/** A malformed note, key, proof request or tile path: the caller's input. */
export class TransparencyInputError extends BadUserInputError {}

/** A position, tree size or checkpoint the log does not have (yet). */
export class NotInLogError extends NotFoundError {}
