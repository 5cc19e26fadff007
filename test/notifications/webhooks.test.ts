/**
 * Webhooks against a real HTTP receiver on loopback, on a real SQLite file and
 * a real PostgreSQL schema: deliveries signed per Standard Webhooks (checked
 * with the `standardwebhooks` package, not our signing code), retried with
 * growing delays, FAILED after the retry window, the endpoint disabled after
 * repeated failures and enabled again by redeliverWebhook; registration
 * refuses what it must (SSRF guard, bad input) and stores nothing then; the
 * secret is shown once and is nowhere in the clear.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postWebhook } from '../../src/notifications/webhooks/sender.js';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from '../../src/notifications/webhooks/settings.js';
import { ENDPOINTS_TABLE } from '../../src/notifications/webhooks/tables.js';
import { isNonPublicAddress } from '../../src/notifications/webhooks/url-guard.js';
import { Webhooks } from '../../src/notifications/webhooks/webhooks.js';
import { BACKENDS, startTestApi, type TestApi } from '../graphql/support/api.js';
import { Scenario } from '../graphql/support/scenario.js';
import { until, WebhookReceiver } from './support.js';

const REGISTER = `mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) { secret webhook { id url eventTypes municipality active failures createdAt } } }`;
const DELIVERIES = `query($id: ID!, $after: String) { webhookDeliveries(webhookId: $id, first: 50, after: $after) {
  edges { cursor node { id eventId position type attempts status responseStatus deliveredAt nextAttemptAt } } pageInfo { hasNextPage endCursor } } }`;
const REDELIVER = `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id eventId status attempts } }`;

interface DeliveryNode {
  id: string;
  eventId: string;
  position: string;
  type: string;
  attempts: number;
  status: string;
  responseStatus: number | null;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

const FAST: WebhookSettings = { ...DEFAULT_WEBHOOK_SETTINGS, allowPrivate: true, retryBaseMs: 60, retryMaxDelayMs: 2_000, timeoutMs: 2_000 };

describe.each(BACKENDS)('webhooks on %s', (backend) => {
  let api: TestApi | null;
  let scenario: Scenario;
  let adminToken: string;
  let receiver: WebhookReceiver;
  let dispatchers: Webhooks[] = [];

  beforeAll(async () => {
    api = await startTestApi(backend);
    if (!api) return;
    scenario = await Scenario.start(api);
    adminToken = await api.token('ADMIN', { sub: 'admin-1' });
  });
  afterAll(async () => {
    await api?.close();
  });
  afterEach(async () => {
    for (const dispatcher of dispatchers) await dispatcher.stop();
    dispatchers = [];
    await receiver?.close();
  });

  /** A dispatcher on the test application's own tables, with test settings (loopback allowed, fast retries). */
  async function dispatcher(settings: Partial<WebhookSettings> = {}): Promise<Webhooks> {
    const { app, env } = api!;
    const webhooks = await Webhooks.open({
      db: app.projectionDb,
      dialect: app.readStore.dialect,
      writeLock: app.writeLock,
      store: app.store,
      readModel: app.readModel,
      masterKey: Buffer.from(env.MASTER_KEY, 'base64'),
      settings: { ...FAST, ...settings },
      logger: pino({ level: 'silent' }),
    });
    dispatchers.push(webhooks);
    return webhooks;
  }

  /** The webhook's deliveries as the API lists them, newest first. */
  async function deliveriesOf(webhookId: string): Promise<DeliveryNode[]> {
    const result = await api!.gql(DELIVERIES, { id: webhookId }, adminToken);
    expect(result.errors).toBeUndefined();
    return result.data!.webhookDeliveries.edges.map((edge: { node: DeliveryNode }) => edge.node);
  }

  const deliverableAfter = async (position: bigint) =>
    (await api!.app.store.readAll({ after: position, limit: 10_000 })).filter((event) => !['CurpClaimed', 'FolioAssigned'].includes(event.type));

  // First in the file: on a fresh database, before any dispatcher has ever run.
  it('delivers what was recorded after the registration even when no process was dispatching yet', async (ctx) => {
    if (!api) ctx.skip();
    receiver = await WebhookReceiver.start();
    const webhooks = await dispatcher();
    await webhooks.registry.register({ url: receiver.url, eventTypes: ['ServantRegistered'] }, { actor: 'admin-1', commandId: null });
    const servant = await scenario.registerServant();
    await webhooks.startDispatching();
    await until(() => receiver.delivered().size === 1, 'the delivery');
    expect(JSON.parse(receiver.requests[0].body).data.data.servantId).toBe(servant.id);
  });

  it('delivers every event once, signed as the standardwebhooks package verifies, with the event id as webhook-id', async (ctx) => {
    if (!api) ctx.skip();
    receiver = await WebhookReceiver.start();
    const webhooks = await dispatcher();
    const { webhook, secret } = await webhooks.registry.register({ url: receiver.url, eventTypes: [] }, { actor: 'admin-1', commandId: null });
    const from = await api!.head();
    await webhooks.startDispatching();
    await scenario.publishStandard(`EC${String(1000 + Math.floor(Math.random() * 8999))}`);
    for (let i = 0; i < 3; i++) await scenario.registerServant();
    const expected = await deliverableAfter(from);
    expect(expected.map((event) => event.type)).toEqual(['StandardPublished', 'ServantRegistered', 'ServantRegistered', 'ServantRegistered']);
    await until(() => receiver.delivered().size === expected.length, 'every event delivered');
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything sent twice would have arrived by now

    expect([...receiver.counts().entries()]).toEqual(expected.map((event) => [event.id, 1]));
    const verifier = new StandardWebhook(secret);
    for (const [i, request] of receiver.requests.entries()) {
      const payload = verifier.verify(request.body, request.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
      expect(payload).toMatchObject({ type: expected[i].type, timestamp: expected[i].recordedAt, data: { eventId: expected[i].id, position: expected[i].position.toString(), streamId: expected[i].streamId } });
      expect(request.body).not.toContain('personalData');
    }
    // A signature over other bytes is refused by the same verifier.
    expect(() => verifier.verify(receiver.requests[0].body.replace('}', ' }'), receiver.requests[0].headers)).toThrow();

    const nodes = await deliveriesOf(webhook.id);
    expect(nodes.map((node) => node.eventId)).toEqual(expected.map((event) => event.id).reverse());
    expect(nodes.every((node) => node.status === 'DELIVERED' && node.attempts === 1 && node.responseStatus === 200)).toBe(true);
  });

  it('retries a failing endpoint with growing delays and delivers once it recovers, with the same webhook-id', async (ctx) => {
    if (!api) ctx.skip();
    receiver = await WebhookReceiver.start();
    receiver.behaviour = { status: 503, delayMs: 0 };
    const webhooks = await dispatcher();
    const { webhook, secret } = await webhooks.registry.register({ url: receiver.url, eventTypes: ['ServantRegistered'] }, { actor: 'admin-1', commandId: null });
    await webhooks.startDispatching();
    const servant = await scenario.registerServant();
    await until(() => receiver.requests.length >= 4, 'four failed attempts');
    receiver.behaviour = { status: 200, delayMs: 0 };
    await until(() => receiver.delivered().size === 1, 'the delivery after recovery');
    // The receiver has answered; the dispatcher records that answer a moment later.
    await until(async () => (await deliveriesOf(webhook.id))[0]?.status === 'DELIVERED', 'the delivery recorded');

    const ids = new Set(receiver.requests.map((request) => request.id));
    expect(ids.size).toBe(1);
    const gaps = receiver.requests.slice(1, 4).map((request, i) => request.at - receiver.requests[i].at);
    // 60 ms, then 120, then 240 (±10 % jitter, plus the time to fail): each wait longer than the one before.
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    const verifier = new StandardWebhook(secret);
    const last = receiver.requests.at(-1)!;
    expect((verifier.verify(last.body, last.headers) as { data: { data: { servantId: string } } }).data.data.servantId).toBe(servant.id);

    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery).toMatchObject({ status: 'DELIVERED', responseStatus: 200, nextAttemptAt: null, type: 'ServantRegistered' });
    expect(delivery.attempts).toBe(receiver.requests.length);
    const listed = await api!.gql(`{ webhooks { id failures active } }`, {}, adminToken);
    expect(listed.data!.webhooks).toContainEqual({ id: webhook.id, failures: 0, active: true });
  });

  it('disables an endpoint after repeated failures; redeliverWebhook enables it and sends the same webhook-id again', async (ctx) => {
    if (!api) ctx.skip();
    receiver = await WebhookReceiver.start();
    receiver.behaviour = { status: 500, delayMs: 0 };
    const webhooks = await dispatcher({ disableAfter: 3 });
    const { webhook } = await webhooks.registry.register({ url: receiver.url, eventTypes: ['ServantRegistered'] }, { actor: 'admin-1', commandId: null });
    await webhooks.startDispatching();
    await scenario.registerServant();
    await until(async () => (await webhooks.registry.list()).find((w) => w.id === webhook.id)?.active === false, 'the endpoint disabled');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests.length).toBe(3);
    // Events while it is disabled are not queued for it.
    await scenario.registerServant();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests.length).toBe(3);

    receiver.behaviour = { status: 200, delayMs: 0 };
    const pending = await deliveriesOf(webhook.id);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: 'PENDING', attempts: 3, responseStatus: 500 });
    const redelivered = await api!.gql(REDELIVER, { id: pending[0].id }, adminToken);
    expect(redelivered.errors).toBeUndefined();
    expect(redelivered.data!.redeliverWebhook).toMatchObject({ id: pending[0].id, status: 'PENDING' });
    await until(() => receiver.delivered().size === 1, 'the redelivery');
    await until(async () => (await deliveriesOf(webhook.id))[0]?.status === 'DELIVERED', 'the redelivery recorded');
    expect(new Set(receiver.requests.map((request) => request.id))).toEqual(new Set([pending[0].eventId]));
    expect((await webhooks.registry.list()).find((w) => w.id === webhook.id)).toMatchObject({ active: true, failures: 0 });

    const unknown = await api!.gql(REDELIVER, { id: randomUUID() }, adminToken);
    expect(unknown.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('gives a delivery up as FAILED once its retry window has passed', async (ctx) => {
    if (!api) ctx.skip();
    receiver = await WebhookReceiver.start();
    receiver.behaviour = { status: 502, delayMs: 0 };
    const webhooks = await dispatcher({ retryForMs: 400, retryBaseMs: 50, retryMaxDelayMs: 100 });
    const { webhook } = await webhooks.registry.register({ url: receiver.url, eventTypes: ['ServantRegistered'] }, { actor: 'admin-1', commandId: null });
    await webhooks.startDispatching();
    await scenario.registerServant();
    let node: Partial<DeliveryNode> = {};
    await until(async () => {
      node = (await deliveriesOf(webhook.id))[0] ?? {};
      return node.status === 'FAILED';
    }, 'the delivery to fail');
    expect(node).toMatchObject({ status: 'FAILED', nextAttemptAt: null, responseStatus: 502, deliveredAt: null });
    const attempts = receiver.requests.length;
    expect(node.attempts).toBe(attempts);
    expect(attempts).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests.length).toBe(attempts);
  });

  it('refuses URLs that are not http(s) or point at loopback or private addresses, and bad event types, storing nothing', async (ctx) => {
    if (!api) ctx.skip();
    const before = (await api!.gql(`{ webhooks { id } }`, {}, adminToken)).data!.webhooks.length;
    const refused = async (input: Record<string, unknown>, field: string) => {
      const result = await api!.gql(REGISTER, { input: { eventTypes: [], ...input } }, adminToken);
      expect(result.data).toBeNull();
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      return result.errors![0].message;
    };
    expect(await refused({ url: 'http://127.0.0.1:9/hook' }, 'url')).toMatch(/loopback or private/);
    await refused({ url: 'http://localhost:8080/hook' }, 'url');
    await refused({ url: 'http://[::1]/hook' }, 'url');
    await refused({ url: 'http://10.20.30.40/hook' }, 'url');
    await refused({ url: 'http://169.254.169.254/latest/meta-data' }, 'url');
    await refused({ url: 'http://[::ffff:192.168.1.1]/hook' }, 'url');
    await refused({ url: 'ftp://93.184.215.14/hook' }, 'url');
    await refused({ url: 'file:///etc/passwd' }, 'url');
    await refused({ url: 'not a url' }, 'url');
    await refused({ url: 'https://user:pass@93.184.215.14/hook' }, 'url');
    expect(await refused({ url: 'https://93.184.215.14/hook', eventTypes: ['CurpClaimed'] }, 'eventTypes')).toMatch(/Unknown event type/);
    await refused({ url: 'https://93.184.215.14/hook', municipality: '  ' }, 'municipality');
    expect((await api!.gql(`{ webhooks { id } }`, {}, adminToken)).data!.webhooks).toHaveLength(before);

    for (const role of ['AUDITOR', 'REGISTRAR', 'EVALUATOR'] as const) {
      const result = await api!.gql(REGISTER, { input: { url: 'https://93.184.215.14/hook', eventTypes: [] } }, await api!.token(role));
      expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await api!.gql(REGISTER, { input: { url: 'https://93.184.215.14/hook', eventTypes: [] } })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('shows the secret once, keeps it sealed, never logs it; a commandId replay by the same admin returns the first result, by another CONFLICT', async (ctx) => {
    if (!api) ctx.skip();
    const commandId = randomUUID();
    const input = { commandId, url: 'https://93.184.215.14/hook', eventTypes: ['CertificateIssued'], municipality: 'Tijuana' };
    const first = await api!.gql(REGISTER, { input }, adminToken);
    expect(first.errors).toBeUndefined();
    const { secret, webhook } = first.data!.registerWebhook;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhook).toMatchObject({ url: 'https://93.184.215.14/hook', eventTypes: ['CertificateIssued'], municipality: 'Tijuana', active: true, failures: 0 });

    const replay = await api!.gql(REGISTER, { input }, adminToken);
    expect(replay.data!.registerWebhook).toEqual(first.data!.registerWebhook);
    const other = await api!.gql(REGISTER, { input }, await api!.token('ADMIN', { sub: 'admin-2' }));
    expect(other.errors?.[0].extensions.code).toBe('CONFLICT');
    expect(JSON.stringify(other)).not.toContain(webhook.id);
    expect((await api!.gql(`{ webhooks { id } }`, {}, adminToken)).data!.webhooks.filter((w: { id: string }) => w.id === webhook.id)).toHaveLength(1);

    const stored = await api!.app.projectionDb.selectFrom(ENDPOINTS_TABLE).selectAll().where('id', '=', webhook.id).executeTakeFirstOrThrow();
    const key = secret.slice('whsec_'.length);
    expect(JSON.stringify(stored)).not.toContain(key);
    const log = await api!.app.store.readAll({ limit: 10_000 });
    expect(JSON.stringify(log, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))).not.toContain(key);
    expect(JSON.stringify(api!.logs)).not.toContain(key);
  });

  it('refuses to connect to a non-public address at delivery time too (a name that resolves there later)', async () => {
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.0.10', '169.254.1.1', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) expect(isNonPublicAddress(address), address).toBe(false);
    receiver = await WebhookReceiver.start();
    const byName = await postWebhook(receiver.url.replace('127.0.0.1', 'localhost'), {}, '{}', { timeoutMs: 1_000, allowPrivate: false });
    expect(byName).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/loopback or private/) });
    const byLiteral = await postWebhook(receiver.url, {}, '{}', { timeoutMs: 1_000, allowPrivate: false });
    expect(byLiteral).toMatchObject({ ok: false, status: null });
    expect(receiver.requests).toHaveLength(0);
    expect(await postWebhook(receiver.url, {}, '{}', { timeoutMs: 1_000, allowPrivate: true })).toEqual({ ok: true, status: 200, error: null });
  });
});
