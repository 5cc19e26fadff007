/**
 * The live topics through the real ws server, on a real SQLite file and a real
 * PostgreSQL schema: certificationChanged and goalProgressChanged as the log
 * moves, auditEvents resumed after a disconnect while 16 writers append 500
 * events (500 registrations, one event each), the per-socket and per-token caps (TOO_MANY_SUBSCRIPTIONS) and a
 * socket closed with 4401 when its token expires (Hardening 4 and 7).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/graphql/auth.js';
import { BACKENDS, JWT_SECRET, MEXICALI, TIJUANA, startTestApi, type TestApi } from '../graphql/support/api.js';
import { M, S } from '../graphql/support/documents.js';
import { must, nextCurp, Scenario } from '../graphql/support/scenario.js';
import { subscribe, type Subscriber, until, wsUrlOf } from './support.js';

const CERTIFICATION_CHANGED = `subscription($s: ID!, $c: String) { certificationChanged(servantId: $s, standardCode: $c) { id stage attempts lastVerdict version } }`;
const GOAL_PROGRESS = `subscription($g: ID!) { goalProgressChanged(goalId: $g) { achieved remaining percent goal { id target } } }`;
const AUDIT_EVENTS = `subscription($after: String, $filter: AuditFilter) { auditEvents(after: $after, filter: $filter) { cursor node { position type streamId } } }`;

interface Edge {
  cursor: string;
  node: { position: string; type: string; streamId: string };
}

const CAPS = { perSocket: 3, perSubject: 5 };

describe.each(BACKENDS)('live topics on %s', (backend) => {
  let api: TestApi | null;
  let scenario: Scenario;
  let evaluatorId: string;
  const open: Subscriber<unknown>[] = [];

  beforeAll(async () => {
    api = await startTestApi(backend, { subscriptionCaps: CAPS });
    if (!api) return;
    scenario = await Scenario.start(api);
    await scenario.publishStandard('EC0105', 5);
    evaluatorId = (await scenario.accreditEvaluator(['EC0105'])).id;
  });
  // Each test starts with no listener left by the one before, even a failed one.
  afterEach(async () => {
    if (api) await closeAll();
  });
  afterAll(async () => {
    await api?.close();
  });

  function listen<T>(token: string | null, query: string, variables: Record<string, unknown> = {}): Subscriber<T> {
    const subscriber = subscribe<T>(wsUrlOf(api!.endpoint), token, query, variables);
    open.push(subscriber as Subscriber<unknown>);
    return subscriber;
  }

  const listening = async (): Promise<number> => {
    const text = await (await fetch(`${api!.origin}/metrics`)).text();
    return Number(/^acredita_graphql_subscriptions_active (\d+)$/m.exec(text)?.[1] ?? -1);
  };

  async function closeAll(): Promise<void> {
    for (const subscriber of open.splice(0)) await subscriber.client.dispose();
    await until(async () => (await listening()) === 0, 'every listener gone');
  }

  it('certificationChanged pushes each event of the certification once, read after the read models have it; a REGISTRAR hears nothing of another municipality', async (ctx) => {
    if (!api) ctx.skip();
    const tijuana = await scenario.registerServant(TIJUANA);
    const mexicali = await scenario.registerServant(MEXICALI);
    type Cert = { id: string; stage: string; attempts: number; lastVerdict: string | null; version: number };
    const admin = listen<Cert>(await api!.token('ADMIN'), CERTIFICATION_CHANGED, { s: tijuana.id, c: 'EC0105' });
    const registrar = listen<Cert>(await api!.token('REGISTRAR', { sub: 'registrar-a', ...TIJUANA }), CERTIFICATION_CHANGED, { s: tijuana.id });
    const peeking = listen<Cert>(await api!.token('REGISTRAR', { sub: 'registrar-b', ...TIJUANA }), CERTIFICATION_CHANGED, { s: mexicali.id });
    const adminMexicali = listen<Cert>(await api!.token('ADMIN', { sub: 'admin-m' }), CERTIFICATION_CHANGED, { s: mexicali.id });
    const anonymous = listen<Cert>(null, CERTIFICATION_CHANGED, { s: tijuana.id });
    await until(async () => (await listening()) === 4, 'four listeners');

    await scenario.competent(tijuana.id, 'EC0105', evaluatorId);
    await scenario.issue(tijuana.id, 'EC0105', `F-${tijuana.id.slice(0, 8)}`);
    await scenario.competent(mexicali.id, 'EC0105', evaluatorId);
    await until(() => admin.received.length >= 4 && registrar.received.length >= 4 && adminMexicali.received.length >= 3, 'the pushes');
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Versions 1..4 in order: each push was read from a read model that already had its event.
    for (const subscriber of [admin, registrar]) {
      expect(subscriber.values().map((c) => c.version)).toEqual([1, 2, 3, 4]);
      expect(subscriber.values().at(-1)).toMatchObject({ id: `certification-${tijuana.id}-EC0105`, stage: 'CERTIFIED', attempts: 1, lastVerdict: 'COMPETENT' });
      expect(subscriber.errors).toEqual([]);
    }
    expect(adminMexicali.values().map((c) => c.version)).toEqual([1, 2, 3]);
    expect(peeking.values()).toEqual([]);
    expect(peeking.errors).toEqual([]);
    expect(anonymous.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);

    const badCode = listen(await api!.token('ADMIN'), CERTIFICATION_CHANGED, { s: tijuana.id, c: 'XX12' });
    const badId = listen(await api!.token('ADMIN'), CERTIFICATION_CHANGED, { s: 'not-a-uuid' });
    await until(() => badCode.errors.length > 0 && badId.errors.length > 0, 'the refusals');
    expect(badCode.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(badId.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'servantId' } }]);
  });

  it('goalProgressChanged is public and pushed when the progress moves, not for another municipality', async (ctx) => {
    if (!api) ctx.skip();
    const goal = must(
      await api!.gql(M.setGoal, { input: { ...TIJUANA, target: 1000, startsAt: '2018-01-01T00:00:00.000Z', deadline: '2099-12-31T00:00:00.000Z' } }, await api!.token('ADMIN')),
    ).setGoal.goal;
    const before = must(await api!.gql(`query($g: ID!) { goalProgress(goalId: $g) { achieved } }`, { g: goal.id })).goalProgress.achieved as number;
    type Progress = { achieved: number; remaining: number; percent: number; goal: { id: string; target: number } };
    const dashboard = listen<Progress>(null, GOAL_PROGRESS, { g: goal.id });
    await until(async () => (await listening()) === 1, 'the dashboard');
    for (const place of [TIJUANA, MEXICALI, TIJUANA]) {
      const servant = await scenario.registerServant(place);
      await scenario.competent(servant.id, 'EC0105', evaluatorId);
      await scenario.issue(servant.id, 'EC0105', `G-${servant.id.slice(0, 8)}`);
    }
    await until(() => dashboard.received.length >= 2, 'two pushes');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dashboard.values()).toEqual([
      { achieved: before + 1, remaining: 1000 - before - 1, percent: Math.round(((before + 1) / 1000) * 1000) / 10, goal: { id: goal.id, target: 1000 } },
      { achieved: before + 2, remaining: 1000 - before - 2, percent: Math.round(((before + 2) / 1000) * 1000) / 10, goal: { id: goal.id, target: 1000 } },
    ]);
  });

  it('auditEvents is for auditors only, and checks its cursor', async (ctx) => {
    if (!api) ctx.skip();
    const evaluator = listen(await api!.token('EVALUATOR', { sub: evaluatorId }), AUDIT_EVENTS);
    const registrar = listen(await api!.token('REGISTRAR', TIJUANA), AUDIT_EVENTS);
    const anonymous = listen(null, AUDIT_EVENTS);
    const badCursor = listen(await api!.token('AUDITOR'), AUDIT_EVENTS, { after: 'page-2' });
    const tooBig = listen(await api!.token('AUDITOR'), AUDIT_EVENTS, { after: '9'.repeat(40) });
    await until(() => [evaluator, registrar, anonymous, badCursor, tooBig].every((s) => s.errors.length > 0), 'five refusals');
    expect(evaluator.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    expect(registrar.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    expect(anonymous.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(badCursor.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }]);
    expect(tooBig.errors).toMatchObject([{ extensions: { code: 'BAD_USER_INPUT' } }]);
    expect(await listening()).toBe(0);
  });

  it('auditEvents resumed with its last cursor after a disconnect while 16 writers append 500 events: exactly the missed events, in order, none twice', async (ctx) => {
    if (!api) ctx.skip();
    const auditor = await api!.token('AUDITOR');
    const admin = await api!.token('ADMIN');
    const start = await api!.head();
    const first = listen<Edge>(auditor, AUDIT_EVENTS, { after: start.toString() });
    const onlyServants = listen<Edge>(auditor, AUDIT_EVENTS, { after: start.toString(), filter: { types: ['ServantRegistered'] } });
    await until(async () => (await listening()) === 2, 'the auditors');

    // 500 registrations (one ServantRegistered each), by 16 writers at once.
    let left = 500;
    let writing = true;
    const writer = async () => {
      while (left > 0) {
        left -= 1;
        const input = { curp: nextCurp(), fullName: 'Auditada Prueba', ...TIJUANA, department: 'Tesoreria Municipal', position: null, regime: 'CONFIANZA', unionized: false };
        must(await api!.gql(M.registerServant, { input }, admin));
      }
    };
    const writers = Promise.all(Array.from({ length: 16 }, writer)).finally(() => (writing = false));

    await until(() => first.received.length >= 100, 'a hundred events before the disconnect');
    await first.client.dispose();
    // What the client holds when it reconnects (a message already in flight may still land in `first`).
    const before = first.values();
    const lastSeen = before.at(-1)!.cursor;
    await new Promise((resolve) => setTimeout(resolve, 150)); // events go by while disconnected
    expect(writing).toBe(true);
    const resumed = listen<Edge>(auditor, AUDIT_EVENTS, { after: lastSeen });
    await writers;
    const head = await api!.head();
    expect(head - start).toBe(500n);
    await until(() => resumed.values().at(-1)?.cursor === head.toString(), 'the resumed feed to reach the head');
    await until(() => onlyServants.received.length >= 500, 'every registration on the filtered feed');
    await new Promise((resolve) => setTimeout(resolve, 200));

    const log = await api!.app.store.readAll({ after: start, limit: 1_000 });
    const positions = (edges: Edge[]) => edges.map((edge) => edge.node.position);
    const got = [...positions(before), ...positions(resumed.values())];
    expect(got).toEqual(log.map((event) => event.position.toString()));
    expect(new Set(got).size).toBe(500);
    expect(resumed.values()[0].node.position).toBe((BigInt(lastSeen) + 1n).toString());
    expect(resumed.values().every((edge) => edge.cursor === edge.node.position)).toBe(true);
    expect(positions(onlyServants.values())).toEqual(log.filter((event) => event.type === 'ServantRegistered').map((event) => event.position.toString()));
    for (const subscriber of [first, resumed, onlyServants]) expect(subscriber.errors).toEqual([]);
  });

  it(`caps subscriptions at ${CAPS.perSocket} per socket and ${CAPS.perSubject} per token subject with TOO_MANY_SUBSCRIPTIONS; closing one frees its place`, async (ctx) => {
    if (!api) ctx.skip();
    const url = wsUrlOf(api!.endpoint);
    const token = await api!.token('EVALUATOR', { sub: 'busy-evaluator' });
    const again = await signToken({ role: 'EVALUATOR', sub: 'busy-evaluator', ttl: '2h' }, JWT_SECRET);
    const socketA = [listen(token, S.certificateIssued)];
    for (let i = 1; i < 4; i++) socketA.push(subscribe(url, token, S.certificateIssued, {}, { client: socketA[0].client }));
    await until(() => socketA[3].errors.length > 0, 'the fourth subscription on one socket refused');
    expect(socketA[3].errors).toMatchObject([{ message: expect.stringMatching(/one socket/), extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }]);
    expect(socketA.slice(0, 3).every((s) => s.errors.length === 0)).toBe(true);

    // Another socket of the same subject (another token, even): two more, then refused.
    const socketB = [listen(again, S.certificateIssued)];
    for (let i = 1; i < 3; i++) socketB.push(subscribe(url, again, S.certificateIssued, {}, { client: socketB[0].client }));
    await until(() => socketB[2].errors.length > 0, 'the sixth subscription of the subject refused');
    expect(socketB[2].errors).toMatchObject([{ message: expect.stringMatching(/token subject/), extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } }]);
    expect(await listening()).toBe(5);

    // Someone else is not held back by it.
    const other = listen(await api!.token('EVALUATOR', { sub: 'other-evaluator' }), S.certificateIssued);
    await until(async () => (await listening()) === 6, 'the other subject');
    expect(other.errors).toEqual([]);

    socketA[0].unsubscribe();
    await until(async () => (await listening()) === 5, 'the freed place');
    const freed = subscribe(url, again, S.certificateIssued, {}, { client: socketB[0].client });
    await until(async () => (await listening()) === 6, 'the subscription in the freed place');
    expect(freed.errors).toEqual([]);

    // The refused ones still get their pushes: nothing else broke.
    const servant = await scenario.registerServant(TIJUANA);
    await scenario.competent(servant.id, 'EC0105', evaluatorId);
    await scenario.issue(servant.id, 'EC0105', `C-${servant.id.slice(0, 8)}`);
    await until(() => freed.received.length === 1 && socketA[1].received.length === 1 && other.received.length === 1, 'the issuance on every open subscription');
  });

  it('closes a socket with 4401 when its token expires, so an operation after exp never runs; every operation checks the role', async (ctx) => {
    if (!api) ctx.skip();
    const url = wsUrlOf(api!.endpoint);
    const shortLived = await signToken({ role: 'ADMIN', sub: 'brief-admin', ttl: '3s' }, JWT_SECRET);
    const expiresAt = JSON.parse(Buffer.from(shortLived.split('.')[1], 'base64url').toString()).exp * 1000;
    const watcher = listen(shortLived, S.certificateIssued);
    await until(async () => (await listening()) === 1, 'the subscription');
    await until(() => watcher.failure !== null, 'the socket to close', 10_000);
    const closedAt = Date.now();
    expect((watcher.failure as { code: number; reason: string }).code).toBe(4401);
    expect((watcher.failure as { reason: string }).reason).toMatch(/expired/);
    expect(closedAt).toBeGreaterThanOrEqual(expiresAt);
    expect(closedAt - expiresAt).toBeLessThan(1_000);
    expect(await listening()).toBe(0);

    // The attack: setGoal over that socket 5 s after the token was made. The socket is gone; a new one is refused.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - 3_000 + 5_000 - Date.now())));
    const goalId = randomUUID();
    const setGoal = subscribe(url, shortLived, M.setGoal, { input: { id: goalId, ...TIJUANA, target: 5, startsAt: '2018-01-01T00:00:00Z', deadline: '2019-01-01T00:00:00Z' } }, { field: 'setGoal' });
    open.push(setGoal);
    await until(() => setGoal.failure !== null || setGoal.errors.length > 0, 'the refusal');
    expect((setGoal.failure as { code: number }).code).toBe(4401);
    expect(must(await api!.gql(`{ goals(municipality: "Tijuana") { id } }`)).goals.map((goal: { id: string }) => goal.id)).not.toContain(goalId);

    // The role is checked on each operation, not once per socket.
    const evaluator = await api!.token('EVALUATOR', { sub: evaluatorId });
    const mutation = subscribe(url, evaluator, M.setGoal, { input: { id: goalId, ...TIJUANA, target: 5, startsAt: '2018-01-01T00:00:00Z', deadline: '2019-01-01T00:00:00Z' } }, { field: 'setGoal' });
    const audit = subscribe(url, null, AUDIT_EVENTS, {}, { client: mutation.client });
    open.push(mutation, audit);
    await until(() => mutation.errors.length > 0 && audit.errors.length > 0, 'both refusals');
    expect(mutation.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
    expect(audit.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
  });
});
