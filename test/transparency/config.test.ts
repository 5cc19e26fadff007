/** SIGNING_KEY, LOG_ORIGIN and WITNESS_KEYS: dev default in the data folder, production refusals, bad values named. */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { ConfigurationError } from '../../src/eventstore/errors.js';
import { originOf, transparencySettings } from '../../src/transparency/config.js';
import { generateSignerKey, parseSignerKey } from '../../src/transparency/note.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const context = (dataDir: string, production = false) => ({ production, dataDir, host: '127.0.0.1', port: 4000 });

describe('transparency settings', () => {
  it('in dev generates signing.key once in the data folder, named for the origin, and reuses it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'acredita-tlog-config-'));
    const first = transparencySettings({}, context(dir));
    expect(first.problems).toEqual([]);
    expect(first.settings!.logOrigin).toBe('127.0.0.1:4000/log');
    expect(parseSignerKey(first.settings!.signingKey).name).toBe('127.0.0.1:4000/log');
    expect(readFileSync(join(dir, 'signing.key'), 'utf8').trim()).toBe(first.settings!.signingKey);
    expect(first.warnings.join('\n')).toMatch(/SIGNING_KEY is not set: using the dev key/);
    expect(transparencySettings({}, context(dir)).settings!.signingKey).toBe(first.settings!.signingKey);
  });

  it('derives the origin from PUBLIC_BASE_URL, takes LOG_ORIGIN as given, and warns when the key is named otherwise', () => {
    expect(originOf('https://acredita.tijuana.gob.mx/')).toBe('acredita.tijuana.gob.mx/log');
    expect(originOf('https://example.org:8443/api')).toBe('example.org:8443/api/log');
    const key = generateSignerKey('other.example/log');
    const given = transparencySettings({ SIGNING_KEY: key, LOG_ORIGIN: 'acredita.example/log' }, context('/nonexistent', true));
    expect(given.settings).toMatchObject({ signingKey: key, logOrigin: 'acredita.example/log', witnessKeys: [] });
    expect(given.warnings.join('\n')).toMatch(/named "other.example\/log", not the log's origin/);
  });

  it('requires SIGNING_KEY in production and names every bad variable, never echoing the key', () => {
    expect(transparencySettings({}, context('/nonexistent', true)).problems).toEqual([expect.stringMatching(/^SIGNING_KEY: required when NODE_ENV=production/)]);
    const bad = transparencySettings({ SIGNING_KEY: 'PRIVATE+KEY+x+00000000+AAAA-secret', LOG_ORIGIN: 'has space', WITNESS_KEYS: 'nope' }, context('/nonexistent', true));
    expect(bad.settings).toBeNull();
    expect(bad.problems.map((p) => p.split(':')[0])).toEqual(['LOG_ORIGIN', 'WITNESS_KEYS', 'SIGNING_KEY']);
    expect(bad.problems.join('\n')).not.toContain('secret');
    const witnesses = [parseSignerKey(generateSignerKey('w1.example')).vkey, parseSignerKey(generateSignerKey('w2.example')).vkey];
    expect(transparencySettings({ SIGNING_KEY: generateSignerKey('a/log'), WITNESS_KEYS: witnesses.join(', ') }, context('/x', true)).settings!.witnessKeys).toEqual(witnesses);
  });

  it('loadConfig refuses a production start without SIGNING_KEY, naming it', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), EVENT_STORE_URL: 'sqlite:/nonexistent/a.sqlite' };
    let failure: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as ConfigurationError).problems.join('\n')).toMatch(/SIGNING_KEY: required when NODE_ENV=production/);
    expect(existsSync('/nonexistent/signing.key')).toBe(false);
  });
});
