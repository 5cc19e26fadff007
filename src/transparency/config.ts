/**
 * The transparency log's settings (docs/operations.md): SIGNING_KEY (a signer
 * key in Go's signed-note form; in dev generated once into the data folder,
 * like master.key; required in production), LOG_ORIGIN (the checkpoint's first
 * line; default: PUBLIC_BASE_URL without its scheme, plus /log, the C2SP
 * tlog-tiles prefix of /log/checkpoint and /log/tile) and WITNESS_KEYS
 * (verifier keys, separated by commas or spaces). Never stored in the database.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransparencyInputError } from './errors.js';
import { generateSignerKey, parseSignerKey, parseVerifierKey } from './note.js';

export interface TransparencySettings {
  /** The signer key text (PRIVATE+KEY+…). */
  signingKey: string;
  logOrigin: string;
  /** Verifier key texts. */
  witnessKeys: string[];
}

export interface TransparencyEnv {
  SIGNING_KEY?: string;
  LOG_ORIGIN?: string;
  WITNESS_KEYS?: string;
  PUBLIC_BASE_URL?: string;
}

export interface TransparencyContext {
  production: boolean;
  /** Where dev keys live (the SQLite file's folder). */
  dataDir: string;
  host: string;
  port: number;
}

/** Reads the three variables; `problems` name each bad one, `warnings` the dev defaults in use. */
export function transparencySettings(env: TransparencyEnv, context: TransparencyContext): { settings: TransparencySettings | null; problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const logOrigin = env.LOG_ORIGIN?.trim() || originOf(env.PUBLIC_BASE_URL?.trim() || `http://${context.host}:${context.port}`);
  if (/[\s+]/.test(logOrigin) || logOrigin === '') problems.push('LOG_ORIGIN: must be non-empty, without spaces or "+", e.g. acredita.example.gob.mx/log');

  const witnessKeys = (env.WITNESS_KEYS ?? '').split(/[\s,]+/).filter(Boolean);
  for (const key of witnessKeys) {
    try {
      parseVerifierKey(key);
    } catch (error) {
      problems.push(`WITNESS_KEYS: "${key.slice(0, 40)}" is not a verifier key: ${(error as Error).message}`);
    }
  }

  let signingKey = env.SIGNING_KEY?.trim();
  if (signingKey) {
    try {
      const name = parseSignerKey(signingKey).name;
      if (name !== logOrigin) warnings.push(`SIGNING_KEY is named "${name}", not the log's origin "${logOrigin}": witnesses and Go's tooling expect the two to match.`);
    } catch (error) {
      // Never echo the value: it is a private key.
      problems.push(`SIGNING_KEY: ${(error as Error).message} (make one with \`acredita checkpoint --new-key\`)`);
    }
  } else if (context.production) {
    problems.push('SIGNING_KEY: required when NODE_ENV=production (make one with `acredita checkpoint --new-key`)');
  } else if (problems.length === 0) {
    const dev = devSigningKey(context.dataDir, logOrigin);
    signingKey = dev.key;
    warnings.push(`SIGNING_KEY is not set: using the dev key in ${dev.path}. Auditors can only trust checkpoints signed by a key you publish and keep.`);
  }
  if (problems.length > 0 || !signingKey) return { settings: null, problems, warnings };
  return { settings: { signingKey, logOrigin, witnessKeys }, problems, warnings };
}

/** Scheme-less URL prefix of the log, as C2SP tlog-tiles recommends: host[:port][/path]/log. */
export function originOf(publicBaseUrl: string): string {
  if (!URL.canParse(publicBaseUrl)) return publicBaseUrl;
  const url = new URL(publicBaseUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}/log`;
}

function devSigningKey(dataDir: string, origin: string): { key: string; path: string } {
  const path = join(dataDir, 'signing.key');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, `${generateSignerKey(origin)}\n`, { mode: 0o600, flag: 'wx' });
  }
  const key = readFileSync(path, 'utf8').trim();
  try {
    parseSignerKey(key);
  } catch (error) {
    if (error instanceof TransparencyInputError) throw new TransparencyInputError(`SIGNING_KEY: the dev key file ${path} does not hold a signer key`);
    throw error;
  }
  return { key, path };
}
