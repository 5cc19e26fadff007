/**
 * The one reader of store URLs (EVENT_STORE_URL, READ_STORE_URL): which
 * backend, and the SQLite file or the connection URL. Nothing here connects.
 */
import { ConfigurationError } from './errors.js';

export type StoreLocation =
  | { backend: 'sqlite'; path: string }
  | { backend: 'postgres'; url: string }
  | { backend: 'kurrentdb'; url: string };

export type StoreBackend = StoreLocation['backend'];

/** Where events may live. */
export const EVENT_STORE_BACKENDS = ['sqlite', 'postgres', 'kurrentdb'] as const;
/** Where read models and data keys may live: SQL only. */
export const READ_STORE_BACKENDS = ['sqlite', 'postgres'] as const;

const FORMS: Record<StoreBackend, string> = {
  sqlite: 'sqlite:<path>',
  postgres: 'postgres://… (or postgresql://…)',
  kurrentdb: 'esdb://… (or kurrentdb://…)',
};

function accepted(backends: readonly StoreBackend[]): string {
  const forms = backends.map((backend) => FORMS[backend]);
  return `must be ${forms.slice(0, -1).join(', ')}${forms.length > 1 ? ' or ' : ''}${forms[forms.length - 1]}`;
}

/**
 * Reads a store URL; throws ConfigurationError, naming `variable` and never
 * echoing the value (it may carry a password), on anything unusable or on a
 * backend outside `backends`.
 */
export function parseStoreUrl<B extends StoreBackend>(url: string, variable: string, backends: readonly B[]): Extract<StoreLocation, { backend: B }> {
  const refuse = (message: string): never => {
    throw new ConfigurationError([`${variable}: ${message}`]);
  };
  const value = typeof url === 'string' ? url.trim() : '';
  if (value === '') refuse(`is empty; ${accepted(backends)}`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1].toLowerCase();
  const location = locate(value, scheme, refuse);
  if (location && isAmong(location, backends)) return location;
  // Only a scheme followed by // is named: in host:port the "scheme" would be the host.
  const got = scheme && value.startsWith('//', `${scheme}:`.length) ? `a "${scheme}:" URL` : 'a value without a scheme';
  return refuse(`${accepted(backends)} (got ${got})`);
}

function isAmong<B extends StoreBackend>(location: StoreLocation, backends: readonly B[]): location is Extract<StoreLocation, { backend: B }> {
  return (backends as readonly StoreBackend[]).includes(location.backend);
}

function locate(value: string, scheme: string | undefined, refuse: (message: string) => never): StoreLocation | null {
  if (scheme === 'sqlite') {
    // sqlite:data/x.sqlite and sqlite:/abs/x.sqlite; the URL-like sqlite:///abs/x.sqlite too.
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.trim() === '') refuse('sqlite: needs a file path, e.g. sqlite:data/acredita.sqlite');
    return { backend: 'sqlite', path };
  }
  const invalid = `is not a valid ${scheme}:// connection URL`;
  const hasHost = value.startsWith('//', `${scheme}:`.length) && value.length > `${scheme}://`.length;
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!hasHost || !URL.canParse(value)) refuse(invalid);
    return { backend: 'postgres', url: value };
  }
  if (scheme && /^(esdb|kurrentdb)(\+discover)?$/.test(scheme)) {
    // A cluster (esdb+discover://a:2113,b:2113) is no WHATWG URL: the client checks the rest.
    if (!hasHost) refuse(invalid);
    return { backend: 'kurrentdb', url: value };
  }
  return null;
}

/** EVENT_STORE_URL: where the events live. */
export function parseEventStoreUrl(url: string): StoreLocation {
  return parseStoreUrl(url, 'EVENT_STORE_URL', EVENT_STORE_BACKENDS);
}

export type ReadStoreLocation = Extract<StoreLocation, { backend: (typeof READ_STORE_BACKENDS)[number] }>;

/** READ_STORE_URL: where read models and data keys live. */
export function parseReadStoreUrl(url: string): ReadStoreLocation {
  return parseStoreUrl(url, 'READ_STORE_URL', READ_STORE_BACKENDS);
}
