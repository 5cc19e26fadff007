/** A bare GraphQL-over-HTTP client for loopback servers that may die under it. */

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; rule?: string; [key: string]: unknown };
}

export interface Answer<T = any> {
  status: number;
  data?: T | null;
  errors?: GraphQLError[];
  /** The raw body (for checks on what the server discloses). */
  text: string;
  headers: Headers;
}

/** Rejects only when no HTTP answer came (connection refused or cut, timeout). */
export async function post<T = any>(
  endpoint: string,
  body: unknown,
  options: { token?: string | null; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer<T>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let parsed: { data?: T; errors?: GraphQLError[] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the caller sees `text` and the status.
  }
  return { status: response.status, data: parsed.data, errors: parsed.errors, text, headers: response.headers };
}

export const gql = <T = any>(endpoint: string, query: string, variables: Record<string, unknown> = {}, token?: string | null) =>
  post<T>(endpoint, { query, variables }, { token });

/** The data of a successful answer; throws with the errors otherwise. */
export function must<T>(answer: Answer<T>): T {
  if (answer.status !== 200 || answer.errors?.length || !answer.data) {
    throw new Error(`GraphQL failed (${answer.status}): ${answer.text.slice(0, 1000)}`);
  }
  return answer.data;
}

export const codeOf = (answer: Answer): string | undefined => answer.errors?.[0]?.extensions?.code;
