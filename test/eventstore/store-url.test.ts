import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { ConfigurationError } from '../../src/eventstore/errors.js';
import { parseEventStoreUrl, parseReadStoreUrl } from '../../src/eventstore/store-url.js';

function refusal(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseEventStoreUrl', () => {
  it.each([
    ['sqlite:data/acredita.sqlite', { backend: 'sqlite', path: 'data/acredita.sqlite' }],
    ['sqlite:/var/lib/acredita/events.sqlite', { backend: 'sqlite', path: '/var/lib/acredita/events.sqlite' }],
    ['sqlite:///var/lib/acredita/events.sqlite', { backend: 'sqlite', path: '/var/lib/acredita/events.sqlite' }],
    ['  sqlite:data/x.sqlite  ', { backend: 'sqlite', path: 'data/x.sqlite' }],
    ['postgres://acredita:secret@db:5432/acredita', { backend: 'postgres', url: 'postgres://acredita:secret@db:5432/acredita' }],
    ['postgresql://localhost/acredita', { backend: 'postgres', url: 'postgresql://localhost/acredita' }],
    ['esdb://localhost:2113?tls=false', { backend: 'kurrentdb', url: 'esdb://localhost:2113?tls=false' }],
    ['kurrentdb://localhost:2113?tls=false', { backend: 'kurrentdb', url: 'kurrentdb://localhost:2113?tls=false' }],
    ['esdb+discover://cluster.local:2113', { backend: 'kurrentdb', url: 'esdb+discover://cluster.local:2113' }],
    ['esdb+discover://a:2113,b:2113', { backend: 'kurrentdb', url: 'esdb+discover://a:2113,b:2113' }],
  ])('reads %s', (url, expected) => {
    expect(parseEventStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ['an empty value', '', /is empty/],
    ['blanks', '   ', /is empty/],
    ['sqlite: without a path', 'sqlite:', /needs a file path/],
    ['a bare path', 'data/acredita.sqlite', /without a scheme/],
    ['an unknown scheme', 'mysql://root:hunter2@db/acredita', /"mysql:"/],
    ['postgres:// without anything after it', 'postgres://', /not a valid postgres/],
    ['a host and port without a scheme', 'localhost:2113', /without a scheme/],
  ])('refuses %s with one clear line naming the variable and the accepted forms', (_, url, reason) => {
    const error = refusal(() => parseEventStoreUrl(url));
    expect(error.problems).toEqual([expect.stringMatching(/^EVENT_STORE_URL: /)]);
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('\n');
    if (!/needs a file path|not a valid/.test(error.message)) expect(error.message).toContain('sqlite:<path>, postgres://');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('parseReadStoreUrl', () => {
  it('reads the same sqlite: forms as EVENT_STORE_URL', () => {
    expect(parseReadStoreUrl('sqlite:///srv/read.sqlite')).toEqual({ backend: 'sqlite', path: '/srv/read.sqlite' });
    expect(parseReadStoreUrl('postgres://db/read')).toEqual({ backend: 'postgres', url: 'postgres://db/read' });
  });

  it('refuses a KurrentDB URL, naming READ_STORE_URL and only the SQL forms', () => {
    const error = refusal(() => parseReadStoreUrl('esdb://admin:changeit@localhost:2113'));
    expect(error.problems).toEqual([expect.stringMatching(/^READ_STORE_URL: must be sqlite:<path> or postgres:\/\/… .*\(got a "esdb:" URL\)$/)]);
    expect(error.message).not.toContain('changeit');
  });
});

describe('loadConfig reads store URLs with the same parser', () => {
  const base = { MASTER_KEY: Buffer.alloc(32, 3).toString('base64'), JWT_SECRET: 'x'.repeat(32) };

  it('names every unusable store URL in one ConfigurationError', () => {
    const error = refusal(() => loadConfig({ ...base, EVENT_STORE_URL: 'mysql://x', READ_STORE_URL: 'sqlite:' }));
    expect(error.problems).toEqual([
      expect.stringMatching(/^EVENT_STORE_URL: must be sqlite:<path>, postgres:\/\/… .* \(got a "mysql:" URL\)$/),
      'READ_STORE_URL: sqlite: needs a file path, e.g. sqlite:data/acredita.sqlite',
    ]);
  });

  it('makes dev keys beside the SQLite file the store opens, whatever the case of the scheme', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acredita-store-url-'));
    try {
      const config = loadConfig({ JWT_SECRET: 'x'.repeat(32), EVENT_STORE_URL: `SQLITE:${dir}/events.sqlite` });
      expect(parseEventStoreUrl(config.eventStoreUrl)).toEqual({ backend: 'sqlite', path: `${dir}/events.sqlite` });
      expect(config.masterKey).toEqual(Buffer.from(readFileSync(join(dir, 'master.key'), 'utf8').trim(), 'base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
