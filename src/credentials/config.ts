/**
 * The credentials' settings (docs/credentials.md): PUBLIC_BASE_URL (absolute
 * URLs in credentials, PDFs, QR codes and the did:web id; default
 * http://HOST:PORT), ISSUER_KEY (the Ed25519 seed that signs credentials, 32
 * bytes as hex or base64; in dev generated once into the data folder, like
 * master.key; required in production; never stored in the database),
 * ISSUER_RETIRED_KEYS (publicKeyMultibase of keys rotated out, kept in the DID
 * document) and ISSUER_NAME (the certification body named as issuer).
 */
import { join } from 'node:path';
import { readOrCreateDevKeyFile } from '../app/dev-key-file.js';
import { normalisePublicBaseUrl } from './did-web.js';
import { CredentialError } from './errors.js';

export interface CredentialsSettings {
  publicBaseUrl: string;
  issuerKey: Buffer;
  retiredIssuerKeys: string[];
  issuerName: string;
}

export interface CredentialsEnv {
  PUBLIC_BASE_URL?: string;
  ISSUER_KEY?: string;
  ISSUER_RETIRED_KEYS?: string;
  ISSUER_NAME?: string;
}

export interface CredentialsContext {
  production: boolean;
  /** Where dev keys live (the SQLite file's folder). */
  dataDir: string;
  host: string;
  port: number;
}

export const DEFAULT_ISSUER_NAME = 'Acredita (organismo certificador sin nombre: configure ISSUER_NAME)';

/** A 32-byte value as 64 hex characters or base64 (the same forms MASTER_KEY takes). */
function parseSeed(text: string): Buffer | null {
  const trimmed = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  return bytes.length === 32 ? bytes : null;
}

function devIssuerKey(dataDir: string): { key: Buffer; path: string } {
  const path = join(dataDir, 'issuer.key');
  const key = parseSeed(readOrCreateDevKeyFile(path));
  if (!key) throw new CredentialError('ISSUER_KEY_INVALID', `ISSUER_KEY: the dev key file ${path} does not hold a 32-byte key`);
  return { key, path };
}

/** Reads the variables; `problems` name each bad one, `warnings` the dev defaults in use. */
export function credentialsSettings(
  env: CredentialsEnv,
  context: CredentialsContext,
): { settings: CredentialsSettings | null; problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const hostForUrl = context.host.includes(':') ? `[${context.host}]` : context.host;
  let publicBaseUrl = `http://${hostForUrl}:${context.port}`;
  if (env.PUBLIC_BASE_URL?.trim()) {
    try {
      publicBaseUrl = normalisePublicBaseUrl(env.PUBLIC_BASE_URL);
    } catch (error) {
      problems.push(`PUBLIC_BASE_URL: ${(error as Error).message}`);
    }
  } else if (context.production) {
    warnings.push(`PUBLIC_BASE_URL is not set: credentials, PDFs and the did:web id name ${publicBaseUrl}, which holders cannot reach from outside.`);
  }

  const retiredIssuerKeys = (env.ISSUER_RETIRED_KEYS ?? '').split(/[\s,]+/).filter(Boolean);
  for (const key of retiredIssuerKeys) {
    if (!/^z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/.test(key)) problems.push(`ISSUER_RETIRED_KEYS: "${key.slice(0, 12)}…" is not an Ed25519 publicKeyMultibase (z6Mk…)`);
  }

  let issuerKey: Buffer | null = null;
  if (env.ISSUER_KEY?.trim()) {
    issuerKey = parseSeed(env.ISSUER_KEY);
    // Never echo the value: it is a private key.
    if (!issuerKey) problems.push('ISSUER_KEY: must be a 32-byte Ed25519 seed, as 64 hex characters or base64');
  } else if (context.production) {
    problems.push('ISSUER_KEY: required when NODE_ENV=production (32 random bytes, e.g. `openssl rand -base64 32`)');
  } else if (problems.length === 0) {
    const dev = devIssuerKey(context.dataDir);
    issuerKey = dev.key;
    warnings.push(`ISSUER_KEY is not set: using the dev key in ${dev.path}. Credentials it signs verify only while its DID document is served.`);
  }

  const issuerName = env.ISSUER_NAME?.trim() || DEFAULT_ISSUER_NAME;
  if (!env.ISSUER_NAME?.trim()) warnings.push('ISSUER_NAME is not set: credentials name a placeholder issuer; set it to the certification body.');
  if (problems.length > 0 || !issuerKey) return { settings: null, problems, warnings };
  return { settings: { publicBaseUrl, issuerKey, retiredIssuerKeys, issuerName }, problems, warnings };
}
