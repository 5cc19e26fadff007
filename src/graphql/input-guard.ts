/**
 * Input no resolver should ever see, refused up front over HTTP and graphql-ws
 * as BAD_USER_INPUT naming the variable or argument (api.md, "Limits every
 * caller meets"):
 * - text holding NUL (U+0000): PostgreSQL refuses it in text and jsonb alike,
 *   so it would fail deep in a query or an append as an internal error;
 * - text longer than MAX_TEXT_LENGTH: no name, reason or folio is that long,
 *   and a search pattern of that size is an error in SQLite's LIKE;
 * - variables nested deeper than MAX_INPUT_DEPTH: no input type is that deep,
 *   and anything recursive over them (JSON.stringify for a cache key) would
 *   overflow the stack.
 * The walk over variables is iterative, so the check itself cannot overflow.
 */
import { type ASTNode, type DocumentNode, type GraphQLError, Kind, visit, BREAK } from 'graphql';
import { requestError } from './errors.js';

export const MAX_TEXT_LENGTH = 10_000;
export const MAX_INPUT_DEPTH = 32;

function refusal(message: string, field: string): GraphQLError {
  const error = requestError(message, 'BAD_USER_INPUT');
  error.extensions.field = field;
  return error;
}

function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'may not contain the NUL character (U+0000)';
  if (text.length > MAX_TEXT_LENGTH) return `is longer than ${MAX_TEXT_LENGTH.toLocaleString('en')} characters`;
  return null;
}

function checkVariables(variables: unknown): GraphQLError | null {
  if (variables === null || typeof variables !== 'object') return null;
  const pending: { value: unknown; path: string; depth: number }[] = Object.entries(variables).map(([name, value]) => ({ value, path: `$${name}`, depth: 1 }));
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return refusal(`Variable ${path} ${problem}`, path);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_INPUT_DEPTH) return refusal(`Variable ${path} is nested more than ${MAX_INPUT_DEPTH} levels deep`, path);
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return refusal(`A key in variable ${path} ${keyProblem}`, path);
      pending.push({ value: child, path: Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}

/** The argument or input field a literal belongs to, for the message. */
function fieldOf(parent: ASTNode | readonly ASTNode[] | undefined, ancestors: readonly (ASTNode | readonly ASTNode[])[]): string {
  const names: string[] = [];
  for (const ancestor of parent ? [...ancestors, parent] : ancestors) {
    if (Array.isArray(ancestor) || !('kind' in ancestor)) continue;
    const node = ancestor as ASTNode;
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) names.push(node.name.value);
  }
  return names.join('.') || 'a literal';
}

export function refuseHostileInput(document: DocumentNode, variables: unknown): GraphQLError | null {
  let found = checkVariables(variables);
  if (!found) {
    visit(document, {
      [Kind.STRING]: (node, _key, parent, _path, ancestors) => {
        const problem = textProblem(node.value);
        if (!problem) return undefined;
        const field = fieldOf(parent, ancestors);
        found = refusal(`Argument ${field} ${problem}`, field);
        return BREAK;
      },
    });
  }
  return found;
}
