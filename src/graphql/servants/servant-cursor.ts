/**
 * Edge cursors for the servants connection. The read model hands out one
 * opaque cursor per page (its endCursor); an edge in the middle of a page is
 * "that page's `after`, skipping i+1 items". Resuming from such a cursor reads
 * skip + first items and drops the first `skip`, so any edge is a valid `after`.
 */
import { BadUserInputError } from '../../domain/shared/errors.js';

export interface ServantCursor {
  /** The read model's cursor the page started after (null: the first page). */
  after: string | null;
  /** Items of that page already seen. */
  skip: number;
}

export const encodeServantCursor = (cursor: ServantCursor): string =>
  Buffer.from(JSON.stringify([cursor.after, cursor.skip])).toString('base64url');

export function decodeServantCursor(value: string | null | undefined): ServantCursor {
  if (value === null || value === undefined) return { after: null, skip: 0 };
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2) {
      const [after, skip] = decoded as unknown[];
      if ((after === null || typeof after === 'string') && Number.isInteger(skip) && (skip as number) >= 0 && (skip as number) <= 1000) {
        return { after, skip: skip as number };
      }
    }
  } catch {
    // fall through: not one of ours
  }
  throw new BadUserInputError('The cursor is not one this server handed out', 'after');
}
