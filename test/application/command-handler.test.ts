/**
 * The command handler over a real SQLite file: a writer that appends between
 * a decision's read and its append makes the append fail, and the command is
 * decided again on what the store holds then (p-retry), unless the caller
 * named the version it read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../src/application/command-handler.js';
import { envelope } from '../../src/application/envelope.js';
import { StateCache } from '../../src/application/state-cache.js';
import { streamStore, type StreamStore } from '../../src/application/stream-store.js';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import type { Decider } from '../../src/domain/shared/decider.js';
import { AcreditaError, BusinessRuleError, WrongExpectedVersionError } from '../../src/domain/shared/errors.js';
import type { Event } from '../../src/domain/shared/event.js';
import { at, sqliteOffice } from '../support/office.js';

/** A goal's target raised by one each time: the event carries the value it was decided from, so a lost update shows. */
type Raised = Event<'GoalSet', { goalId: string; target: number }>;
const counter: Decider<number, { type: 'raise' } | { type: 'refuseAbove'; limit: number }, Raised> = {
  initialState: () => 0,
  evolve: (_state, event) => event.data.target,
  decide: (command, state) => {
    if (command.type === 'refuseAbove' && state >= command.limit) throw new BusinessRuleError('STANDARD_NOT_ACTIVE', 'limit reached');
    return [{ type: 'GoalSet', data: { goalId: 'g', target: state + 1 } }];
  },
};
const streamId = 'goal-00000000-0000-4000-8000-000000000001';

describe('command handler over a real SQLite store', () => {
  let fixture: Awaited<ReturnType<typeof sqliteOffice>>;
  let store: StreamStore;
  let interferences: number;

  /** Before each of the first `times` appends, another writer appends a raise of its own. */
  const interfering = (times: number): StreamStore => ({
    ...store,
    read: store.read,
    fold: store.fold,
    append: async (items, unchanged) => {
      if (interferences < times) {
        interferences++;
        const current = await fixture.store.readStream(streamId);
        const target = (current.at(-1)?.data.target as number | undefined) ?? 0;
        await eventStreamsOf(fixture.store).append(streamId, envelope(streamId, [{ type: 'GoalSet', data: { goalId: 'g', target: target + 1 } }], at()), {
          expectedVersion: current.length === 0 ? 'no_stream' : current.length,
        });
      }
      return store.append(items, unchanged);
    },
  });
  const targets = async () => (await fixture.store.readStream(streamId)).map((e) => e.data.target);
  const request = (command: Parameters<typeof counter.decide>[0] = { type: 'raise' }) => ({
    streamId,
    decider: counter,
    command,
    context: at(),
    deps: { alongside: async () => undefined },
  });

  beforeEach(async () => {
    fixture = await sqliteOffice();
    store = streamStore(eventStreamsOf(fixture.store));
    interferences = 0;
  });
  afterEach(() => fixture.close());

  it('decides again on fresh state when another writer appended in between: no lost update', async () => {
    const handler = new CommandHandler(interfering(3));
    const result = await handler.handle(request());
    expect(interferences).toBe(3);
    // Three raises of the other writer, then ours, decided from the third.
    expect(await targets()).toEqual([1, 2, 3, 4]);
    expect(result).toMatchObject({ version: 4, replayed: false });
  });

  it('gives up after its attempts with the store conflict', async () => {
    const handler = new CommandHandler(interfering(10), 3);
    const error = await handler.handle(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(interferences).toBe(3);
    expect(await targets()).toEqual([1, 2, 3]);
  });

  it('does not retry when the caller named the version it read: CONFLICT, nothing of its own written', async () => {
    const handler = new CommandHandler(interfering(1));
    const error = await handler.handle({ ...request(), expectedVersion: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect((error as AcreditaError).code).toBe('CONFLICT');
    expect(await targets()).toEqual([1]);
  });

  it('decides a refusal of a kept state again on a fresh read, and refuses on what the store holds', async () => {
    const cached = new StateCache(store);
    const handler = new CommandHandler(cached);
    await handler.handle(request());
    // Another process raises to 2: the kept state (1) is behind.
    await eventStreamsOf(fixture.store).append(streamId, envelope(streamId, [{ type: 'GoalSet', data: { goalId: 'g', target: 2 } }], at()), { expectedVersion: 1 });
    // On the kept state the raise is accepted, the append refused, and the fresh read decides.
    await handler.handle(request());
    expect(await targets()).toEqual([1, 2, 3]);
    // Kept 3, limit 3: refused on the kept state, and again on the fresh one.
    const refused = await handler.handle(request({ type: 'refuseAbove', limit: 3 })).catch((e: unknown) => e);
    expect((refused as AcreditaError).rule).toBe('STANDARD_NOT_ACTIVE');
    expect(await targets()).toEqual([1, 2, 3]);
  });

  it('answers a commandId handled before with its first result, and another actor\'s with CONFLICT', async () => {
    const handler = new CommandHandler(store);
    const context = at(undefined, { commandId: 'c-1' });
    const first = await handler.handle({ ...request(), context });
    const again = await handler.handle({ ...request(), context });
    expect(again).toEqual({ position: first.position, version: 1, replayed: true });
    const other = await handler.handle({ ...request(), context: { ...context, actor: 'someone-else' } }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(AcreditaError);
    expect((other as AcreditaError).code).toBe('CONFLICT');
    expect((other as AcreditaError).message).not.toContain('test-admin');
    expect(await targets()).toEqual([1]);
  });
});
