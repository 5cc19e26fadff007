import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { signToken } from '../../src/graphql/auth.js';
import { temporarySqliteFile, type TemporarySqliteFile } from '../support/sqlite.js';

const SECRET = randomBytes(24).toString('hex');

describe('graceful shutdown of acredita serve', () => {
  let file: TemporarySqliteFile;
  beforeAll(async () => {
    file = await temporarySqliteFile();
  });
  afterAll(() => file.remove());

  it('on SIGTERM finishes the mutations in flight, exits 0 and loses nothing it acknowledged', async () => {
    const child = spawn('node', ['bin/acredita.js', 'serve'], {
      env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'silent', JWT_SECRET: SECRET, EVENT_STORE_URL: `sqlite:${file.path}`, MASTER_KEY: randomBytes(32).toString('hex') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 45_000);
        child.stdout.on('data', () => {
          const match = /listening on (\S+)/.exec(output);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      const token = await signToken({ role: 'ADMIN', sub: 'shutdown-test' }, SECRET);
      const publish = (i: number) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            query: 'mutation($input: PublishStandardInput!) { publishStandard(input: $input) { position } }',
            variables: { input: { commandId: `shutdown-${i}`, code: `EC${String(1000 + i)}`, title: `Estándar ${i}`, level: 2 } },
          }),
        }).then(
          async (response) => ({ i, status: response.status, body: (await response.json()) as { data?: { publishStandard: { position: string } } }, at: performance.now() }),
          () => null,
        );
      const inFlight = Array.from({ length: 40 }, (_, i) => publish(i));
      // Signal as soon as the first answer is back: the others are accepted and still running.
      await Promise.race(inFlight);
      const signalledAt = performance.now();
      child.kill('SIGTERM');
      const answers = (await Promise.all(inFlight)).filter((a) => a !== null);
      const [code] = await exited;
      expect(code).toBe(0);

      const acknowledged = answers.filter((a) => a.status === 200 && a.body.data?.publishStandard);
      expect(acknowledged.length).toBeGreaterThan(0);
      // The point of the test: some mutations were still running when the signal arrived, and finished.
      expect(acknowledged.some((a) => a.at > signalledAt)).toBe(true);
      const store = new SqliteEventStore(file.path);
      try {
        for (const { i } of acknowledged) {
          expect((await store.readStream(`standard-EC${1000 + i}`)).map((e) => e.type)).toEqual(['StandardPublished']);
        }
      } finally {
        await store.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
