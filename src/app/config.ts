import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigurationError } from '../eventstore/errors.js';
import { EVENT_STORE_BACKENDS, parseEventStoreUrl, parseStoreUrl, READ_STORE_BACKENDS, type StoreBackend } from '../eventstore/store-url.js';
import { DEFAULT_LIMITS } from '../graphql/limits.js';
import { readOrCreateDevKeyFile } from './dev-key-file.js';
import { credentialsSettings, type CredentialsSettings } from '../credentials/config.js';
import { type WebhookSettings, webhookSettingsFrom } from '../notifications/webhooks/settings.js';
import { transparencySettings, type TransparencySettings } from '../transparency/config.js';

/** The dev default secret; refused when NODE_ENV=production. */
export const DEV_JWT_SECRET = 'acredita-dev-secret-do-not-use-in-production';

export interface AppConfig {
  production: boolean;
  eventStoreUrl: string;
  /** Where read models and data keys live; the event database unless set. */
  readStoreUrl: string;
  /** PostgreSQL schema for events, read models and keys. */
  databaseSchema: string;
  host: string;
  port: number;
  jwtSecret: string;
  /** MAX_TOKEN_TTL in seconds: tokens that live longer are refused, and `acredita token` will not sign them. */
  maxTokenTtlSeconds: number;
  masterKey: Buffer;
  logLevel: string;
  corsOrigins: string[];
  /** Highest query cost (field resolutions) for signed-in callers, and for anonymous ones. */
  maxQueryCost: number;
  maxAnonymousQueryCost: number;
  /** verifyCertificate per client address: sustained per minute and burst; null when PUBLIC_RATE_LIMIT=0. */
  publicRateLimit: { perMinute: number; burst: number } | null;
  /** servantByCurp per caller: sustained per minute and burst; null when CURP_LOOKUP_RATE_LIMIT=0. */
  curpLookupRateLimit: { perMinute: number; burst: number } | null;
  /** Bytes of read-model query responses kept for reuse (RESPONSE_CACHE_MB); 0 keeps none. */
  responseCacheBytes: number;
  /** WEBHOOK_* (src/notifications/webhooks/settings.ts). */
  webhooks: WebhookSettings;
  /** Open subscriptions per socket and per token subject (SUBSCRIPTIONS_PER_SOCKET, SUBSCRIPTIONS_PER_SUBJECT). */
  subscriptionCaps: { perSocket: number; perSubject: number };
  /** SIGNING_KEY, LOG_ORIGIN, WITNESS_KEYS (src/transparency/config.ts). */
  transparency: TransparencySettings;
  /** PUBLIC_BASE_URL, ISSUER_KEY, ISSUER_RETIRED_KEYS, ISSUER_NAME (src/credentials/config.ts). */
  credentials: CredentialsSettings;
  /** Warnings to log once at start (dev defaults in use). */
  warnings: string[];
}

const SPAN_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** A store URL the one parser (src/eventstore/store-url.ts) accepts; its refusal, less the variable's name, is the message. */
function storeUrl(variable: string, backends: readonly StoreBackend[]) {
  return z
    .string()
    .trim()
    .superRefine((value, context) => {
      try {
        parseStoreUrl(value, variable, backends);
      } catch (error) {
        if (!(error instanceof ConfigurationError)) throw error;
        context.addIssue({ code: 'custom', message: error.problems[0].slice(`${variable}: `.length) });
      }
    });
}

const schema = z.object({
  NODE_ENV: z.string().optional(),
  EVENT_STORE_URL: storeUrl('EVENT_STORE_URL', EVENT_STORE_BACKENDS).default('sqlite:data/acredita.sqlite'),
  READ_STORE_URL: storeUrl('READ_STORE_URL', READ_STORE_BACKENDS).optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,47}$/, { message: 'must be a lower-case SQL identifier' })
    .default('public'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  JWT_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  MASTER_KEY: z.string().optional(),
  MAX_TOKEN_TTL: z
    .string()
    .trim()
    .regex(/^\d{1,9}\s*[smhd]$/, { message: 'must be a whole number of s, m, h or d, e.g. 24h' })
    .transform((span) => Number.parseInt(span, 10) * SPAN_SECONDS[span.slice(-1) as keyof typeof SPAN_SECONDS])
    .refine((seconds) => seconds > 0, { message: 'must be longer than 0' })
    .default(24 * 60 * 60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z.string().optional(),
  MAX_QUERY_COST: z.coerce.number().int().positive().default(DEFAULT_LIMITS.maxCost),
  MAX_ANONYMOUS_QUERY_COST: z.coerce.number().int().positive().default(DEFAULT_LIMITS.maxAnonymousCost),
  PUBLIC_RATE_LIMIT: z.coerce.number().int().min(0).default(60),
  PUBLIC_RATE_BURST: z.coerce.number().int().min(1).default(20),
  CURP_LOOKUP_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  CURP_LOOKUP_BURST: z.coerce.number().int().min(1).default(10),
  RESPONSE_CACHE_MB: z.coerce.number().int().min(0).max(65536).default(32),
  SUBSCRIPTIONS_PER_SOCKET: z.coerce.number().int().min(1).max(10_000).default(100),
  SUBSCRIPTIONS_PER_SUBJECT: z.coerce.number().int().min(1).max(1_000_000).default(500),
});

/** A 32-byte key as 64 hex characters or base64. */
function parseKey(text: string): Buffer | null {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  return key.length === 32 ? key : null;
}

/** Where dev keys are made: the SQLite file's folder, or data/ beside a server database. */
function devDataDir(eventStoreUrl: string): string {
  const location = parseEventStoreUrl(eventStoreUrl);
  return dirname(resolve(location.backend === 'sqlite' ? location.path : join('data', 'acredita.sqlite')));
}

/** In dev, the master key lives next to the SQLite file, made on first start. */
function devMasterKey(dataDir: string): { key: Buffer; path: string } {
  const path = join(dataDir, 'master.key');
  const key = parseKey(readOrCreateDevKeyFile(path));
  if (!key) throw new ConfigurationError([`MASTER_KEY: the dev key file ${path} does not hold a 32-byte key`]);
  return { key, path };
}

/** Reads and checks the environment; throws ConfigurationError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // An empty variable (JWT_SECRET= in a .env file) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const vars = parsed.data;
  const production = vars.NODE_ENV === 'production';
  const problems: string[] = [];
  const warnings: string[] = [];
  const kurrent = parseEventStoreUrl(vars.EVENT_STORE_URL).backend === 'kurrentdb';
  if (kurrent && !vars.READ_STORE_URL) problems.push('READ_STORE_URL: required when EVENT_STORE_URL is a KurrentDB URL');

  let jwtSecret = vars.JWT_SECRET;
  if (!jwtSecret) {
    if (production) problems.push('JWT_SECRET: required when NODE_ENV=production');
    else warnings.push('JWT_SECRET is not set: using the public dev secret; anyone can forge tokens. Never do this in production.');
    jwtSecret = DEV_JWT_SECRET;
  } else if (production && jwtSecret === DEV_JWT_SECRET) {
    problems.push('JWT_SECRET: the dev default is refused when NODE_ENV=production');
  }

  let masterKey: Buffer | null = null;
  if (vars.MASTER_KEY) {
    masterKey = parseKey(vars.MASTER_KEY);
    if (!masterKey) problems.push('MASTER_KEY: must be 32 bytes, as 64 hex characters or base64');
  } else if (production) {
    problems.push('MASTER_KEY: required when NODE_ENV=production');
  }
  // Where dev keys are made (the SQLite file's folder) and the default public address, for every key-holding part.
  const keyContext = {
    production,
    dataDir: devDataDir(vars.EVENT_STORE_URL),
    host: vars.HOST,
    port: vars.PORT,
  };
  const credentials = credentialsSettings(given, keyContext);
  problems.push(...credentials.problems);
  warnings.push(...credentials.warnings);
  const webhookConfig = webhookSettingsFrom(given);
  problems.push(...webhookConfig.problems);
  const log = transparencySettings(given, keyContext);
  problems.push(...log.problems);
  warnings.push(...log.warnings);
  if (problems.length > 0 || !log.settings) throw new ConfigurationError(problems);
  if (!masterKey) {
    const dev = devMasterKey(keyContext.dataDir);
    masterKey = dev.key;
    warnings.push(`MASTER_KEY is not set: using the dev key in ${dev.path}. Losing it makes all personal data unreadable.`);
  }

  return {
    production,
    eventStoreUrl: vars.EVENT_STORE_URL,
    readStoreUrl: vars.READ_STORE_URL ?? vars.EVENT_STORE_URL,
    databaseSchema: vars.DATABASE_SCHEMA,
    host: vars.HOST,
    port: vars.PORT,
    jwtSecret,
    maxTokenTtlSeconds: vars.MAX_TOKEN_TTL,
    masterKey,
    logLevel: vars.LOG_LEVEL,
    corsOrigins: (vars.CORS_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    maxQueryCost: vars.MAX_QUERY_COST,
    maxAnonymousQueryCost: vars.MAX_ANONYMOUS_QUERY_COST,
    publicRateLimit: vars.PUBLIC_RATE_LIMIT === 0 ? null : { perMinute: vars.PUBLIC_RATE_LIMIT, burst: vars.PUBLIC_RATE_BURST },
    curpLookupRateLimit: vars.CURP_LOOKUP_RATE_LIMIT === 0 ? null : { perMinute: vars.CURP_LOOKUP_RATE_LIMIT, burst: vars.CURP_LOOKUP_BURST },
    responseCacheBytes: vars.RESPONSE_CACHE_MB * 1024 * 1024,
    // Null only with problems, and those threw above.
    credentials: credentials.settings!,
    webhooks: webhookConfig.settings,
    subscriptionCaps: { perSocket: vars.SUBSCRIPTIONS_PER_SOCKET, perSubject: vars.SUBSCRIPTIONS_PER_SUBJECT },
    transparency: log.settings,
    warnings,
  };
}
