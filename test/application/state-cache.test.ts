/**
 * The state cache over a real SQLite file, with another writer appending to
 * the same streams behind its back: a fresh fold reads only what was appended
 * since its kept version, a kept state is never written on (the store refuses
 * the stale version), and what it appends itself is folded on without reading.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envelope } from '../../src/application/envelope.js';
import { StateCache } from '../../src/application/state-cache.js';
import { streamStore, type StreamStore } from '../../src/application/stream-store.js';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import { WrongExpectedVersionError } from '../../src/domain/shared/errors.js';
import { standardDecider } from '../../src/domain/standards/decide.js';
import type { StandardEvent } from '../../src/domain/standards/events.js';
import { at, sqliteOffice } from '../support/office.js';

const streamId = 'standard-EC0105';
const published: StandardEvent = {
  type: 'StandardPublished',
  data: { code: 'EC0105', title: 'Atención al ciudadano', level: 2, sector: null, validityYears: 5 },
};
const withdrawn: StandardEvent = { type: 'StandardWithdrawn', data: { code: 'EC0105', reason: 'Replaced' } };

describe('state cache over a real SQLite store', () => {
  let fixture: Awaited<ReturnType<typeof sqliteOffice>>;
  let cache: StateCache;
  let reads: { streamId: string; fromRevision: number }[];

  beforeEach(async () => {
    fixture = await sqliteOffice();
    const plain = streamStore(eventStreamsOf(fixture.store));
    reads = [];
    const counted: StreamStore = {
      ...plain,
      read: (id, fromRevision = 0) => {
        reads.push({ streamId: id, fromRevision });
        return plain.read(id, fromRevision);
      },
    };
    cache = new StateCache(counted);
  });
  afterEach(() => fixture.close());

  /** Another process appends, not through this cache. */
  const elsewhere = (event: StandardEvent, expectedVersion: number | 'no_stream') =>
    eventStreamsOf(fixture.store).append(streamId, envelope(streamId, [event], at()), { expectedVersion });

  it('reads only the tail another writer appended, and folds it onto the kept state', async () => {
    await elsewhere(published, 'no_stream');
    expect(await cache.fold(streamId, standardDecider, 'fresh')).toMatchObject({ version: 1, state: { exists: true, status: 'ACTIVE' } });
    await elsewhere(withdrawn, 1);
    const fresh = await cache.fold(streamId, standardDecider, 'fresh');
    expect(fresh).toMatchObject({ version: 2, state: { exists: true, status: 'WITHDRAWN' } });
    expect(reads).toEqual([
      { streamId, fromRevision: 0 },
      { streamId, fromRevision: 1 },
    ]);
    // What it holds is what folding the whole log gives.
    const whole = await streamStore(eventStreamsOf(fixture.store)).fold(streamId, standardDecider, 'fresh');
    expect(fresh).toEqual(whole);
  });

  it('answers a kept fold from memory, and the store refuses an append on it once it is behind', async () => {
    await elsewhere(published, 'no_stream');
    await cache.fold(streamId, standardDecider, 'fresh');
    await elsewhere(withdrawn, 1);
    reads.length = 0;
    const kept = await cache.fold(streamId, standardDecider, 'kept');
    expect(kept).toMatchObject({ version: 1, state: { status: 'ACTIVE' } });
    expect(reads).toEqual([]);
    const stale = cache.append([{ streamId, events: envelope(streamId, [withdrawn], at()), expectedVersion: kept.version, decidedOn: { folder: standardDecider, folded: kept } }]);
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await fixture.store.readStream(streamId)).map((e) => e.type)).toEqual(['StandardPublished', 'StandardWithdrawn']);
    // The refused append changed nothing kept: a fresh fold catches up from the store.
    expect(await cache.fold(streamId, standardDecider, 'fresh')).toMatchObject({ version: 2, state: { status: 'WITHDRAWN' } });
  });

  it('folds on what it appends itself, without reading it back', async () => {
    const none = await cache.fold(streamId, standardDecider, 'keptOrNew');
    expect(none).toEqual({ state: { exists: false }, version: 0, position: 0n });
    const [appended] = await cache.append([
      { streamId, events: envelope(streamId, [published], at()), expectedVersion: 'no_stream', decidedOn: { folder: standardDecider, folded: none } },
    ]);
    reads.length = 0;
    expect(await cache.fold(streamId, standardDecider, 'kept')).toEqual({
      state: { ...published.data, exists: true, status: 'ACTIVE' },
      version: 1,
      position: appended.position,
    });
    expect(await cache.fold(streamId, standardDecider, 'fresh')).toMatchObject({ version: 1 });
    expect(reads).toEqual([{ streamId, fromRevision: 1 }]);
  });

  it('keeps a state per folder: another decider folding the same stream reads it itself', async () => {
    await elsewhere(published, 'no_stream');
    await cache.fold(streamId, standardDecider, 'fresh');
    const count = { initialState: () => 0, evolve: (n: number) => n + 1 };
    expect(await cache.fold(streamId, count, 'kept')).toMatchObject({ state: 1, version: 1 });
    expect(reads.map((r) => r.fromRevision)).toEqual([0, 0]);
  });
});
