/**
 * Several real `acredita` processes on one PostgreSQL database:
 * - a certificateIssued subscriber on one API process hears an issuance made
 *   through the other, and one made by a writer in a process of its own
 *   (through the Office, as the CLI, the roster import and the demo write),
 *   each once, within a second; and auditEvents subscribers on both hear a
 *   roster import made by the CLI (`acredita import-servants`);
 * - webhooks to a real receiver on loopback: two API processes deliver every
 *   event once between them (none by both), signatures verified with the
 *   `standardwebhooks` package; the receiver fails, then recovers; one server
 *   is SIGKILLed mid-delivery and restarted: every event still delivered, and
 *   only a delivery in flight at the kill may arrive twice.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { generateSignerKey } from '../../src/transparency/note.js';
import { S } from '../graphql/support/documents.js';
import { MEXICALI, must, Scenario, TIJUANA } from '../graphql/support/scenario.js';
import { cliBundle, startServer, type ServerProcess } from '../reliability/support/server.js';
import { openTestApplication, type TestApplication } from '../support/application.js';
import { remoteApi, subscribe, type Subscriber, until, WebhookReceiver, wsUrlOf } from './support.js';

const local = await openTestApplication('postgres', { project: false });
// A log key of its own: the dev key's origin follows HOST:PORT, and these processes listen on PORT=0.
const LOG_ENV = { SIGNING_KEY: generateSignerKey('notifications-test/log'), LOG_ORIGIN: 'notifications-test/log' };

interface Issued {
  folio: string;
  servant: { id: string; municipality: string };
}

const AUDIT_EVENTS = `subscription($filter: AuditFilter) { auditEvents(filter: $filter) { cursor node { position recordedAt } } }`;
const REGISTER = `mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret webhook { id } } }`;

describe.skipIf(!local)('several processes on one PostgreSQL database', () => {
  const secret = randomBytes(24).toString('hex');
  const servers: ServerProcess[] = [];
  const subscribers: Subscriber<unknown>[] = [];
  let receiver: WebhookReceiver;

  const start = async (extraEnv: Record<string, string> = {}) => {
    const server = await startServer({
      env: local!.env,
      jwtSecret: secret,
      extraEnv: { ...LOG_ENV, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_TIMEOUT_MS: '3000', WEBHOOK_CONCURRENCY: '4', ...extraEnv },
    });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    for (const subscriber of subscribers) await subscriber.client.dispose();
    for (const server of servers) await server.kill();
    await receiver?.close();
    await local?.close();
  });

  const log = async (after: bigint): Promise<RecordedEvent[]> => local!.app.store.readAll({ after, limit: 10_000 });

  it('a certificateIssued subscriber on one API process hears an issuance made through the other, and one by a writer outside any API process, once, within a second', async () => {
    const a = await start();
    const b = await start();
    const apiB = remoteApi(b.endpoint, secret);
    const admin = await apiB.token('ADMIN', { sub: 'admin-1' });
    const onA = subscribe<Issued>(wsUrlOf(a.endpoint), admin, S.certificateIssued);
    const onB = subscribe<Issued>(wsUrlOf(b.endpoint), admin, S.certificateIssued);
    subscribers.push(onA as Subscriber<unknown>, onB as Subscriber<unknown>);

    const scenario = await Scenario.start(apiB);
    // A standard the demo does not publish: the demo runs on this database next.
    await scenario.publishStandard('EC9105', 5);
    const evaluator = await scenario.accreditEvaluator(['EC9105']);
    const latencies: number[] = [];
    const folios: string[] = [];
    for (const place of [TIJUANA, MEXICALI, TIJUANA]) {
      const servant = await scenario.registerServant(place);
      await scenario.competent(servant.id, 'EC9105', evaluator.id);
      const folio = `P-${servant.id.slice(0, 8)}`;
      folios.push(folio);
      await scenario.issue(servant.id, 'EC9105', folio);
      const answered = Date.now();
      await until(() => onA.values().some((issued) => issued.folio === folio), `${folio} on the other process`, 5_000);
      latencies.push(onA.received.find((item) => item.value.folio === folio)!.at - answered);
    }
    await until(() => onB.received.length >= 3, 'the pushes on the process that ran the mutations');
    expect(onA.values().map((issued) => issued.folio)).toEqual(folios);
    expect(onB.values().map((issued) => issued.folio)).toEqual(folios);
    expect(Math.max(...latencies)).toBeLessThan(1_000);

    // A writer in a process of its own (as the CLI, the roster import and the demo write): the Office, no API.
    const servant = await scenario.registerServant(TIJUANA);
    await scenario.competent(servant.id, 'EC9105', evaluator.id);
    const outsideFolio = `O-${servant.id.slice(0, 8)}`;
    const written = await issueOutside(local!.env, servant.id, 'EC9105', outsideFolio);
    await until(() => onA.values().some((issued) => issued.folio === outsideFolio) && onB.values().some((issued) => issued.folio === outsideFolio), 'the outside issuance on both processes', 5_000);
    const outsideLatency = Math.max(...[onA, onB].map((subscriber) => subscriber.received.find((item) => item.value.folio === outsideFolio)!.at - written.at));
    expect(outsideLatency).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(onA.values().map((issued) => issued.folio)).toEqual([...folios, outsideFolio]);
    expect(onB.values().map((issued) => issued.folio)).toEqual([...folios, outsideFolio]);
    console.log(`certificateIssued across processes: through the other API ${latencies.map((ms) => `${ms} ms`).join(', ')} after the mutation answered; from the outside writer ${outsideLatency} ms after it committed`);
    for (const subscriber of [onA, onB]) expect(subscriber.errors).toEqual([]);
  }, 180_000);

  it('auditEvents subscribers on both API processes hear a roster import made by the CLI (acredita import-servants), each event once, within a second of its commit', async () => {
    const [a, b] = servers;
    const auditor = await remoteApi(a.endpoint, secret).token('AUDITOR');
    const filter = { types: ['ServantRegistered'] };
    const onA = subscribe<{ cursor: string; node: { position: string; recordedAt: string } }>(wsUrlOf(a.endpoint), auditor, AUDIT_EVENTS, { filter });
    const onB = subscribe<{ cursor: string; node: { position: string; recordedAt: string } }>(wsUrlOf(b.endpoint), auditor, AUDIT_EVENTS, { filter });
    subscribers.push(onA as Subscriber<unknown>, onB as Subscriber<unknown>);
    await new Promise((resolve) => setTimeout(resolve, 500)); // both subscriptions open before the import
    const from = await local!.app.store.headPosition();
    const dir = mkdtempSync(join(tmpdir(), 'acredita-roster-'));
    try {
      const file = join(dir, 'roster.csv');
      // The sample's header and its first three rows, all good (the rows after them are refused on purpose).
      const sample = readFileSync(fileURLToPath(new URL('../fixtures/roster-sample.csv', import.meta.url)), 'utf8');
      writeFileSync(file, `${sample.split('\n').slice(0, 4).join('\n')}\n`);
      const { code, output } = await runCliAsync(['import-servants', file], { ...local!.env, ...LOG_ENV, JWT_SECRET: secret });
      expect(code, output.slice(-2000)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const imported = (await log(from)).filter((event) => event.type === 'ServantRegistered');
    expect(imported).toHaveLength(3);
    const positions = imported.map((event) => event.position.toString());
    await until(() => onA.received.length >= positions.length && onB.received.length >= positions.length, 'the imported servants on both processes', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const subscriber of [onA, onB]) {
      expect(subscriber.values().map((edge) => edge.node.position)).toEqual(positions);
      const late = subscriber.received.map((item) => item.at - Date.parse(item.value.node.recordedAt));
      expect(Math.max(...late)).toBeLessThan(1_000);
      expect(subscriber.errors).toEqual([]);
    }
    console.log(`roster import by the CLI: ${positions.length} ServantRegistered heard on both processes, at most ${Math.max(...[onA, onB].flatMap((s) => s.received.map((item) => item.at - Date.parse(item.value.node.recordedAt))))} ms after commit`);
  }, 120_000);

  it('webhooks: two processes deliver each event once between them, signed; the receiver fails then recovers; a SIGKILL mid-delivery loses nothing', async () => {
    const [a, b] = servers;
    const api = remoteApi(a.endpoint, secret);
    const admin = await api.token('ADMIN', { sub: 'admin-1' });
    const registered = must(await api.gql(REGISTER, { input: { url: receiver.url, eventTypes: ['ServantRegistered'] } }, admin)).registerWebhook;
    const verifier = new StandardWebhook(registered.secret);
    const scenarioB = await Scenario.start(remoteApi(b.endpoint, secret));
    const scenarioA = await Scenario.start(api);

    // 1. Both processes up, the receiver well: each event exactly once.
    let from = await local!.app.store.headPosition();
    for (let i = 0; i < 10; i++) await (i % 2 ? scenarioA : scenarioB).registerServant(TIJUANA);
    const calm = (await log(from)).filter((event) => event.type === 'ServantRegistered').map((event) => event.id);
    await until(() => calm.every((id) => receiver.delivered().has(id)), 'the calm deliveries');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const id of calm) expect(receiver.counts().get(id), id).toBe(1);

    // 2. The receiver fails, then recovers: every event delivered after it does.
    receiver.behaviour = { status: 503, delayMs: 0 };
    from = await local!.app.store.headPosition();
    for (let i = 0; i < 6; i++) await scenarioB.registerServant(MEXICALI);
    const stormy = (await log(from)).filter((event) => event.type === 'ServantRegistered').map((event) => event.id);
    await until(() => stormy.every((id) => (receiver.counts().get(id) ?? 0) >= 2), 'two failed attempts of each');
    receiver.behaviour = { status: 200, delayMs: 0 };
    await until(() => stormy.every((id) => receiver.delivered().has(id)), 'the deliveries after recovery');

    // 3. Slow answers; A is killed while POSTs are in flight, and started again.
    receiver.behaviour = { status: 200, delayMs: 1_500 };
    from = await local!.app.store.headPosition();
    for (let i = 0; i < 16; i++) await scenarioB.registerServant(TIJUANA);
    const killed = (await log(from)).filter((event) => event.type === 'ServantRegistered').map((event) => event.id);
    await until(() => receiver.inFlight().length >= 4, 'deliveries in flight');
    const inFlightAtKill = new Set(receiver.inFlight());
    await a.kill();
    receiver.behaviour = { status: 200, delayMs: 0 };
    await a.restart();
    await until(() => killed.every((id) => receiver.delivered().has(id)), 'every delivery after the kill', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const twice = killed.filter((id) => (receiver.counts().get(id) ?? 0) > 1);
    for (const id of twice) expect(inFlightAtKill.has(id), `${id} arrived twice without being in flight at the kill`).toBe(true);

    // Every request carried a valid signature for its own bytes.
    for (const request of receiver.requests) {
      const payload = verifier.verify(request.body, request.headers) as { data: { eventId: string } };
      expect(payload.data.eventId).toBe(request.id);
    }
    const deliveries = must(await api.gql(`query($id: ID!) { webhookDeliveries(webhookId: $id, first: 200) { edges { node { eventId status } } } }`, { id: registered.webhook.id }, admin));
    const statuses = new Map(deliveries.webhookDeliveries.edges.map((edge: { node: { eventId: string; status: string } }) => [edge.node.eventId, edge.node.status]));
    for (const id of [...calm, ...stormy, ...killed]) expect(statuses.get(id), id).toBe('DELIVERED');
    expect(statuses.size).toBe(calm.length + stormy.length + killed.length);
    console.log(`webhooks across processes: ${receiver.requests.length} requests for ${statuses.size} events; ${inFlightAtKill.size} in flight at the kill, ${twice.length} of them arrived twice`);
    for (const server of servers) expect(server.output()).not.toContain(registered.secret.slice(6));
  }, 180_000);
});

/** Runs test/notifications/fixtures/issue-outside.ts in its own process; resolves when it has committed. */
async function issueOutside(env: Record<string, string>, servantId: string, standardCode: string, folio: string): Promise<{ position: bigint; at: number }> {
  const script = fileURLToPath(new URL('./fixtures/issue-outside.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, servantId, standardCode, folio], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const match = /^issued (\d+) (\d+)$/m.exec(output);
  if (code !== 0 || !match) throw new Error(`the outside writer failed (${code}):\n${output}`);
  return { position: BigInt(match[1]), at: Number(match[2]) };
}

/** An acredita command in a process of its own, without blocking this one (its subscribers keep receiving). */
async function runCliAsync(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [await cliBundle(), ...args], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, output };
}
