/**
 * Notification figures (docs/notifications.md "Figures"), not a timed test,
 * on a SQLite file or a PostgreSQL schema, one API process (this one):
 *   1. event-to-subscriber latency with N certificateIssued subscribers, one
 *      graphql-ws socket each: from the moment the issuance's append returned
 *      to the moment each subscriber has the push (p50, p99, max);
 *   2. webhook deliveries per second to one endpoint (a loopback receiver
 *      answering 200 at once): M events queued, then dispatched.
 * The clients and the receiver share this process and its CPU with the server.
 *
 *   npx tsx bench/notifications/run.ts [--backend sqlite|postgres] [--subscribers 1000] [--issues 20] [--deliveries 2000]
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { startHttpServer } from '../../src/app/http-server.js';
import type { CommandContext } from '../../src/domain/shared/event.js';
import { systemClock } from '../../src/graphql/deps.js';
import { ServantCursors } from '../../src/graphql/servants/servant-cursor.js';
import { DEFAULT_WEBHOOK_SETTINGS } from '../../src/notifications/webhooks/settings.js';
import { Webhooks } from '../../src/notifications/webhooks/webhooks.js';
import { JWT_SECRET, TIJUANA } from '../../test/graphql/support/api.js';
import { S } from '../../test/graphql/support/documents.js';
import { Scenario, validCurp } from '../../test/graphql/support/scenario.js';
import { percentile, remoteApi, subscribe, type Subscriber, until, WebhookReceiver, wsUrlOf } from '../../test/notifications/support.js';
import { openTestApplication, type Backend } from '../../test/support/application.js';

const arg = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const BACKEND = arg('backend', 'sqlite') as Backend;
const SUBSCRIBERS = Number(arg('subscribers', '1000'));
const ISSUES = Number(arg('issues', '20'));
const DELIVERIES = Number(arg('deliveries', '2000'));

const opened = await openTestApplication(BACKEND);
if (!opened) throw new Error(`${BACKEND} is unreachable`);
const { app, env } = opened;
const logger = pino({ level: 'warn' });
const server = await startHttpServer({
  deps: { office: app.office, readModel: app.readModel, store: app.store, vault: app.vault, clock: systemClock, logger, webhooks: app.webhooks.registry, accessRecord: app.accessRecord, servantCursors: new ServantCursors(randomBytes(32)) },
  host: '127.0.0.1',
  port: 0,
  jwtSecret: JWT_SECRET,
  logger,
  publicRateLimit: null,
  subscriptionCaps: { perSocket: 100, perSubject: SUBSCRIBERS * 2 },
  health: () => app.healthy(),
});
const endpoint = `${server.url}/graphql`;
const api = remoteApi(endpoint, JWT_SECRET);
const scenario = await Scenario.start(api);
const context = (): CommandContext => ({ occurredAt: new Date(), now: new Date(), actor: 'bench', commandId: null, correlationId: null });

// 1. Latency to N subscribers (--subscribers 0 skips it).
if (SUBSCRIBERS > 0) {
await scenario.publishStandard('EC0105', 5);
const evaluator = await scenario.accreditEvaluator(['EC0105']);
const servants: string[] = [];
for (let i = 0; i < ISSUES; i++) {
  const servant = await scenario.registerServant(TIJUANA);
  await scenario.competent(servant.id, 'EC0105', evaluator.id);
  servants.push(servant.id);
}
const token = await api.token('EVALUATOR', { sub: 'bench-dashboard' });
const subscribers: Subscriber<{ folio: string }>[] = [];
for (let i = 0; i < SUBSCRIBERS; i++) subscribers.push(subscribe(wsUrlOf(endpoint), token, S.certificateIssued));
const active = async () => Number(/^acredita_graphql_subscriptions_active (\d+)$/m.exec(await (await fetch(`${server.url}/metrics`)).text())?.[1]);
try {
  await until(async () => (await active()) === SUBSCRIBERS, `${SUBSCRIBERS} subscriptions`, 120_000);
} catch (error) {
  const failed = subscribers.filter((s) => s.failure !== null || s.errors.length > 0);
  console.log(`open: ${await active()}; failed: ${failed.length}`, failed[0]?.errors, String(failed[0]?.failure));
  throw error;
}

const latencies: number[] = [];
for (const [i, servantId] of servants.entries()) {
  const folio = `BENCH-${i}`;
  await app.office.issueCertificate({ servantId, standardCode: 'EC0105', folio }, context());
  const appended = Date.now();
  await until(() => subscribers.every((s) => s.received.length > i), `push ${i}`, 60_000);
  for (const s of subscribers) latencies.push(s.received[i].at - appended);
}
latencies.sort((a, b) => a - b);
const errors = subscribers.reduce((n, s) => n + s.errors.length, 0);
console.log(
  `${BACKEND}: certificateIssued to ${SUBSCRIBERS} subscribers, ${ISSUES} issuances (${latencies.length} pushes): ` +
    `p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms; errors ${errors}`,
);
await Promise.all(subscribers.map((s) => s.client.dispose()));
}

// 2. Webhook deliveries per second to one endpoint.
console.log(`queueing ${DELIVERIES} events for the webhook`);
const receiver = await WebhookReceiver.start();
const webhooks = await Webhooks.open({
  db: app.projectionDb,
  dialect: app.readStore.dialect,
  writeLock: app.writeLock,
  store: app.store,
  readModel: app.readModel,
  masterKey: Buffer.from(env.MASTER_KEY, 'base64'),
  settings: { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true },
  logger,
});
await webhooks.registry.register({ url: receiver.url, eventTypes: ['ServantRegistered'] }, { actor: 'bench', commandId: null });
const queueStarted = performance.now();
for (let i = 0; i < DELIVERIES; i++) {
  if (i > 0 && i % 100 === 0) console.log(`  ${i} events in ${((performance.now() - queueStarted) / 1000).toFixed(1)} s`);
  await app.office.registerServant(
    { curp: validCurp(5_000 + i), fullName: 'Servidora Publica Prueba', ...TIJUANA, department: 'Tesoreria Municipal', regime: 'BASE', unionized: true },
    context(),
  );
}
const started = performance.now();
await webhooks.startDispatching();
const progress = setInterval(() => console.log(`  ${receiver.delivered().size} delivered, ${receiver.requests.length} requests`), 2_000);
await until(() => receiver.delivered().size >= DELIVERIES, 'every delivery', 600_000);
clearInterval(progress);
const seconds = (performance.now() - started) / 1000;
const duplicates = receiver.requests.length - receiver.delivered().size;
console.log(
  `${BACKEND}: ${DELIVERIES} webhook deliveries to one endpoint in ${seconds.toFixed(2)} s: ${(DELIVERIES / seconds).toFixed(0)}/s ` +
    `(concurrency ${DEFAULT_WEBHOOK_SETTINGS.concurrency}, queued and sent; ${duplicates} sent twice)`,
);

await webhooks.stop();
await receiver.close();
await server.close();
await opened.close();
