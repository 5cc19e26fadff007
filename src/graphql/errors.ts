/**
 * The one place errors become client-facing (api.md "Errors"): domain errors
 * keep their stable code (and rule), parse/validation errors keep the
 * graphql-js/Apollo codes, anything unexpected is masked as
 * INTERNAL_SERVER_ERROR (no message, no stack) and logged with the request id.
 */
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AcreditaError } from '../domain/shared/errors.js';

export const INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR';
const MASKED_MESSAGE = 'Internal server error';

/** The error a resolver threw, under graphql-js's located wrappers (for logs). */
export function originalError(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

/**
 * The error that decides what the client sees: the first, from the outside
 * in, that is one of ours or carries a code (Apollo wraps graphql-js parse
 * errors, graphql-js wraps resolver errors). Null: nothing meant for clients.
 */
function clientFacing(error: unknown): AcreditaError | GraphQLError | null {
  let current = error;
  for (;;) {
    if (current instanceof AcreditaError) return current;
    if (!(current instanceof GraphQLError)) return null;
    if (typeof current.extensions.code === 'string' || aboutTheRequest(current)) return current;
    current = current.originalError;
  }
}

/**
 * Refusals of the request itself that come without a code: Apollo's with a 4xx
 * status (a persisted-query hash that does not match its query), and graphql-js's
 * own, which carry neither a field path nor a thrown error ("Too many errors
 * processing variables"). The client's fault, not an internal error; they read
 * BAD_REQUEST. An error of a resolver always has a path.
 */
function aboutTheRequest(error: GraphQLError): boolean {
  const status = (error.extensions.http as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return true;
  return error.path === undefined && error.originalError === undefined;
}

/** The client-facing code of any error, INTERNAL_SERVER_ERROR when we did not mean it for clients. */
export function errorCode(error: unknown): string {
  const source = clientFacing(error);
  if (!source) return INTERNAL_SERVER_ERROR;
  const code = source instanceof AcreditaError ? source.code : ((source.extensions.code as string | undefined) ?? 'BAD_REQUEST');
  // type-graphql says UNAUTHORIZED where api.md says FORBIDDEN.
  return code === 'UNAUTHORIZED' ? 'FORBIDDEN' : code;
}

export const isInternalError = (error: unknown): boolean => errorCode(error) === INTERNAL_SERVER_ERROR;

interface ValidationIssue {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationIssue[];
}

/** class-validator issues without `target`/`value`, which would echo the whole input back. */
function validationIssues(issues: ValidationIssue[], prefix = ''): { field: string; problems: string[] }[] {
  return issues.flatMap((issue) => {
    const field = prefix + issue.property;
    const own = issue.constraints ? [{ field, problems: Object.values(issue.constraints) }] : [];
    return [...own, ...validationIssues(issue.children ?? [], `${field}.`)];
  });
}

function clientExtensions(source: AcreditaError | GraphQLError, code: string): Record<string, unknown> {
  if (source instanceof AcreditaError) {
    return { ...source.details, code, ...(source.rule ? { rule: source.rule } : {}) };
  }
  const { validationErrors, http: _http, stacktrace: _stack, exception: _exception, ...rest } = source.extensions as Record<string, unknown>;
  return {
    ...rest,
    code,
    ...(Array.isArray(validationErrors) ? { validationErrors: validationIssues(validationErrors as ValidationIssue[]) } : {}),
  };
}

/**
 * graphql-js prints the offending variable value into its coercion messages
 * (`Variable "$input" got invalid value { curp: "…", fullName: "…" }; Field "x" is
 * not defined…`): a CURP or a name would then sit in responses and in whatever
 * logs them. Keep the variable, the path and the kind of problem, never the value.
 */
export function withoutEchoedValue(message: string): string {
  const head = /^Variable "(\$\w+)" got invalid value /.exec(message);
  if (!head) return message;
  const rest = message.slice(head[0].length);
  const split = rest.lastIndexOf('; ');
  const at = / at "([\w.[\]]+)"$/.exec(split < 0 ? rest : rest.slice(0, split));
  return `Variable "${head[1]}" got an invalid value${at ? ` at "${at[1]}"` : ''}: ${reasonWithoutValue(split < 0 ? '' : rest.slice(split + 2))}`;
}

function reasonWithoutValue(reason: string): string {
  const field = /^Field "[\w.]+" (?:is not defined by type "\w+"|of required type "[\w![\]]+" was not provided)\./.exec(reason);
  if (field) return field[0];
  const object = /^Expected type "\w+" to be an object\./.exec(reason);
  if (object) return object[0];
  const enumeration = /does not exist in "(\w+)" enum/.exec(reason);
  if (enumeration) return `the value is not one of the ${enumeration[1]} values.`;
  const scalar = /^(\w+) cannot represent/.exec(reason);
  if (scalar) return `${scalar[1]} cannot represent this value.`;
  return 'the value does not have the expected type.';
}

/** Apollo's `formatError` and the graphql-ws error path share this. */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const { locations, path } = formatted;
  const source = clientFacing(error);
  const code = errorCode(error);
  if (!source || code === INTERNAL_SERVER_ERROR) return { message: MASKED_MESSAGE, locations, path, extensions: { code } };
  const extensions = clientExtensions(source, code);
  const message = source instanceof AcreditaError ? source.message : (validationMessage(extensions) ?? withoutEchoedValue(formatted.message));
  return { message, locations, path, extensions };
}

/** class-validator's refusals name the field in the message, not only in extensions ("Argument Validation Error" says nothing). */
function validationMessage(extensions: Record<string, unknown>): string | null {
  const issues = extensions.validationErrors as { field: string; problems: string[] }[] | undefined;
  if (!issues?.length) return null;
  return issues.map(({ field, problems }) => `${field}: ${problems.join('; ')}`).join('. ');
}

/** An error refused before execution (limits, HTTP-level checks) with its HTTP status. */
export function requestError(message: string, code: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}
