/** WEBHOOK_* and SUBSCRIPTIONS_* from the environment: defaults, values, and a bad value named in one line. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { ConfigurationError } from '../../src/eventstore/errors.js';
import { DEFAULT_WEBHOOK_SETTINGS, webhookSettingsFrom } from '../../src/notifications/webhooks/settings.js';

// Dev keys other settings make go next to the SQLite file: a folder of our own, removed after.
const DATA = mkdtempSync(join(tmpdir(), 'acredita-settings-'));
afterAll(() => rmSync(DATA, { recursive: true, force: true }));
const BASE = { EVENT_STORE_URL: `sqlite:${join(DATA, 'x.sqlite')}`, MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), JWT_SECRET: 'x'.repeat(32) };

describe('notification settings', () => {
  it('defaults: private addresses refused, retries for a day from 5 s, 100 subscriptions a socket, 500 a subject', () => {
    const config = loadConfig(BASE);
    expect(config.webhooks).toEqual(DEFAULT_WEBHOOK_SETTINGS);
    expect(config.webhooks).toMatchObject({ allowPrivate: false, retryBaseMs: 5_000, retryForMs: 86_400_000, disableAfter: 50 });
    expect(config.subscriptionCaps).toEqual({ perSocket: 100, perSubject: 500 });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...BASE,
      WEBHOOK_ALLOW_PRIVATE: 'yes',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_FOR_MS: '60000',
      WEBHOOK_DISABLE_AFTER: '3',
      WEBHOOK_CONCURRENCY: '2',
      WEBHOOK_TIMEOUT_MS: '1500',
      SUBSCRIPTIONS_PER_SOCKET: '7',
      SUBSCRIPTIONS_PER_SUBJECT: '9',
    });
    expect(config.webhooks).toMatchObject({ allowPrivate: true, retryBaseMs: 100, retryForMs: 60_000, disableAfter: 3, concurrency: 2, timeoutMs: 1_500 });
    expect(config.subscriptionCaps).toEqual({ perSocket: 7, perSubject: 9 });
    expect(webhookSettingsFrom({ WEBHOOK_ALLOW_PRIVATE: 'OFF' }).settings.allowPrivate).toBe(false);
  });

  it('refuses a bad value with one line naming the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...BASE, ...env });
      } catch (error) {
        if (error instanceof ConfigurationError) return error.problems;
        throw error;
      }
      return [];
    };
    expect(problems({ WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toEqual([expect.stringMatching(/^WEBHOOK_ALLOW_PRIVATE: must be true or false/)]);
    expect(problems({ WEBHOOK_CONCURRENCY: '0' })).toEqual([expect.stringMatching(/^WEBHOOK_CONCURRENCY: /)]);
    expect(problems({ WEBHOOK_TIMEOUT_MS: 'soon' })).toEqual([expect.stringMatching(/^WEBHOOK_TIMEOUT_MS: /)]);
    expect(problems({ SUBSCRIPTIONS_PER_SOCKET: '0' })).toEqual([expect.stringMatching(/^SUBSCRIPTIONS_PER_SOCKET: /)]);
  });
});
