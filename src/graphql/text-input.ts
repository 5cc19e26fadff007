/**
 * No text input may hold the NUL character (U+0000): PostgreSQL refuses it in
 * text and jsonb alike, so it would fail deep in a query or an append as an
 * internal error. Refused up front, over HTTP and graphql-ws, as BAD_USER_INPUT.
 */
import { type DocumentNode, type GraphQLError, Kind, visit, BREAK } from 'graphql';
import { requestError } from './errors.js';

function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item, depth + 1));
}

export function refuseNulCharacters(document: DocumentNode, variables: unknown): GraphQLError | null {
  let found = holdsNul(variables);
  if (!found) {
    visit(document, {
      [Kind.STRING]: (node) => {
        if (!node.value.includes('\u0000')) return undefined;
        found = true;
        return BREAK;
      },
    });
  }
  return found ? requestError('Text may not contain the NUL character (U+0000)', 'BAD_USER_INPUT') : null;
}
