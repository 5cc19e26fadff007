/**
 * The offline GraphQL explorer: GraphiQL, React and ReactDOM served from
 * node_modules by this server (no CDN), plus our page and boot script, and
 * graphql-ws's browser client (an ES module) for subscriptions.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));
// react and react-dom do not export package.json; their main file sits at the package root.
const mainDir = (name: string): string => dirname(require.resolve(name));

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** URL path under /explorer/ -> file and content type. */
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.production.min.js': { file: join(mainDir('react'), 'umd', 'react.production.min.js'), type: JS },
  'react-dom.production.min.js': { file: join(mainDir('react-dom'), 'umd', 'react-dom.production.min.js'), type: JS },
  'graphiql.min.js': { file: join(packageDir('graphiql'), 'graphiql.min.js'), type: JS },
  'graphiql.min.css': { file: join(packageDir('graphiql'), 'graphiql.min.css'), type: CSS },
  // Not explorer.js: that name would shadow this module (./explorer.js) at runtime.
  'boot.js': { file: join(here, 'boot.js'), type: JS },
  'explorer.css': { file: join(here, 'explorer.css'), type: CSS },
  'favicon.svg': { file: join(here, 'favicon.svg'), type: 'image/svg+xml' },
};

/** graphql-ws's browser build: client.js and the chunks it imports, nothing else of the package. */
const GRAPHQL_WS_PREFIX = 'graphql-ws/';
const GRAPHQL_WS_DIR = mainDir('graphql-ws');
let graphqlWsFiles: Promise<Set<string>> | null = null;
const graphqlWsModules = (): Promise<Set<string>> =>
  (graphqlWsFiles ??= readFile(join(GRAPHQL_WS_DIR, 'client.js'), 'utf8').then(
    (client) => new Set(['client.js', ...[...client.matchAll(/from\s*['"]\.\/([\w.-]+\.js)['"]/g)].map((match) => match[1])]),
  ));

const EXPLORER_PREFIX = '/explorer/';
/** Browsers ask every origin for this; without an answer the explorer's console shows a 404. */
const FAVICON_PATH = '/favicon.ico';

/**
 * Only our own origin: a page that tried to reach a CDN would break here, on
 * purpose. GraphiQL sets inline styles, hence 'unsafe-inline' for styles only.
 */
export const EXPLORER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface StaticFile {
  body: Buffer;
  type: string;
}

const cache = new Map<string, Promise<Buffer>>();
const read = (file: string): Promise<Buffer> => {
  if (!cache.has(file)) cache.set(file, readFile(file));
  return cache.get(file)!;
};

export async function explorerPage(): Promise<StaticFile> {
  return { body: await read(join(here, 'explorer.html')), type: 'text/html; charset=utf-8' };
}

/** The asset at `/explorer/<name>` (or the icon at /favicon.ico), or null for any other path. */
export async function explorerAsset(pathname: string): Promise<StaticFile | null> {
  const name =
    pathname === FAVICON_PATH ? 'favicon.svg' : pathname.startsWith(EXPLORER_PREFIX) ? pathname.slice(EXPLORER_PREFIX.length) : '';
  if (name.startsWith(GRAPHQL_WS_PREFIX)) {
    const file = name.slice(GRAPHQL_WS_PREFIX.length);
    return (await graphqlWsModules()).has(file) ? { body: await read(join(GRAPHQL_WS_DIR, file)), type: JS } : null;
  }
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  return asset ? { body: await read(asset.file), type: asset.type } : null;
}
