/**
 * The $all walk and the catch-up-then-live hand-over, run against a stand-in
 * for KurrentDB's $all: an array read the way KurrentDB reads (forwards from a
 * record boundary, inclusive; an error from the middle of a record) and a Node
 * object stream standing for the client's subscription, so each hand-over
 * case can be staged exactly. kurrentdb.test.ts runs the same code through the
 * real client over gRPC, against the protocol double and (KURRENTDB_URL) a server.
 */
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AllStreamRecordedEvent, AllStreamResolvedEvent, Position } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { ForeignEventError, fromKurrentEvent, StreamNames, toEventData } from '../../src/eventstore/kurrentdb-mapping.js';
import { CHUNK_SIZE, KnownPositions, logPosition, safeStart } from '../../src/eventstore/kurrentdb-positions.js';
import { catchUpThenLive, walkAll, type LiveFeed } from '../../src/eventstore/kurrentdb-subscription.js';
import type { SubscriptionItem } from '../../src/eventstore/types.js';
import { numberedEvents, validEvents } from './support/events.js';

const names = new StreamNames('ns-');

class StandInLog {
  readonly records: AllStreamRecordedEvent[] = [];
  readonly pageReads: number[] = [];
  feed: (PassThrough & LiveFeed) | undefined;
  subscribedFrom: Position | undefined;
  unsubscribed = 0;
  private nextPosition = 100n;

  /** Appends `count` records to `kurrentStream` (ours when it carries the namespace) and returns them. */
  add(kurrentStream: string, count = 1, type = 'Numbered'): AllStreamRecordedEvent[] {
    const added = toEventData('any', { version: 0, lastHash: null }, '2018-03-01T18:30:00.000Z', validEvents(numberedEvents(count, 0, type))).map(
      (event, index) => {
        const position = { commit: this.nextPosition, prepare: this.nextPosition };
        this.nextPosition += 100n;
        return {
          streamId: kurrentStream,
          id: event.id,
          revision: BigInt(index),
          type: event.type,
          isJson: true,
          created: new Date(),
          data: JSON.parse(JSON.stringify(event.data)),
          metadata: JSON.parse(JSON.stringify(event.metadata)),
          position,
        } as AllStreamRecordedEvent;
      },
    );
    this.records.push(...added);
    return added;
  }

  readonly readPage = async (from: Position | undefined, maxCount: number): Promise<AllStreamResolvedEvent[]> => {
    this.pageReads.push(maxCount);
    const boundary =
      !from ||
      from.commit % CHUNK_SIZE === 0n ||
      from.commit > (this.records.at(-1)?.position.commit ?? 0n) ||
      this.records.some((record) => record.position.commit === from.commit);
    if (!boundary) throw new Error(`InvalidPosition: no record starts at ${from.commit}`);
    return this.records
      .filter((record) => !from || record.position.commit >= from.commit)
      .slice(0, maxCount)
      .map((event) => ({ event }));
  };

  readonly subscribe = (from: Position | undefined): LiveFeed => {
    this.subscribedFrom = from;
    this.feed = Object.assign(new PassThrough({ objectMode: true }), {
      unsubscribe: async () => {
        this.unsubscribed += 1;
      },
    });
    return this.feed;
  };

  /** What the server sends: the given records, as resolved events. */
  send(records: AllStreamRecordedEvent[]): void {
    for (const event of records) this.feed!.write({ event });
  }

  head(): bigint {
    return [...this.records].reverse().find((record) => names.isOurs(record))?.position.commit ?? 0n;
  }
}

function subscription(log: StandInLog, options: { after?: bigint; batchSize?: number; signal?: AbortSignal } = {}) {
  return catchUpThenLive({
    after: options.after ?? 0n,
    startFor: (after) =>
      safeStart(after, new KnownPositions(), async (position) => {
        const [probe] = await log.readPage(logPosition(position), 1);
        return probe?.event?.position.commit === position;
      }),
    batchSize: options.batchSize ?? 500,
    signal: options.signal ?? new AbortController().signal,
    readPage: log.readPage,
    subscribe: log.subscribe,
    isOurs: (recorded) => names.isOurs(recorded),
    decode: (recorded) => fromKurrentEvent(recorded, names),
    head: async () => log.head(),
  })[Symbol.asyncIterator]();
}

/** Each item as the n of its event's data, or 'caught-up@position'. */
const label = (item: SubscriptionItem) => (item.kind === 'event' ? item.event.data.n : `caught-up@${item.position}`);

async function take(iterator: AsyncIterator<SubscriptionItem>, count: number): Promise<Array<unknown>> {
  const items = [];
  for (let index = 0; index < count; index += 1) items.push(label((await iterator.next()).value as SubscriptionItem));
  return items;
}

describe('walkAll', () => {
  it('reads each record once with inclusive reads, even one page at a time', async () => {
    const log = new StandInLog();
    const ours = log.add('ns-servant-1', 5);
    const walked = [];
    for await (const record of walkAll(log.readPage, 0n, undefined, 1, () => true)) walked.push(record.id);
    expect(walked).toEqual(ours.map((record) => record.id));
  });

  it('starts just after `after`, skips what keep refuses, and widens pages through foreign records', async () => {
    const log = new StandInLog();
    const [first] = log.add('ns-servant-1');
    log.add('other-servant-1', 2000);
    log.add('$stats', 10, '$statsCollected');
    const last = log.add('ns-servant-2', 2);
    const walked = [];
    const after = first.position.commit;
    for await (const record of walkAll(log.readPage, after, logPosition(after), 10, (record) => names.isOurs(record))) {
      walked.push(record.id);
    }
    expect(walked).toEqual(last.map((record) => record.id));
    // Pages of 10 would take about 200 reads; widening gets through in a handful.
    expect(log.pageReads.length).toBeLessThan(15);
  });
});

describe('catchUpThenLive', () => {
  it('delivers the history without foreign records, says caught-up, then follows live events', async () => {
    const log = new StandInLog();
    log.add('ns-servant-1', 3);
    log.add('other-servant-9', 2);
    const iterator = subscription(log);
    expect(await take(iterator, 4)).toEqual([0, 1, 2, `caught-up@${log.records[2].position.commit}`]);

    const pending = iterator.next();
    await nextTurn();
    // The subscription takes over from the last record read, foreign or not.
    expect(log.subscribedFrom).toEqual(log.records[4].position);
    const stats = log.add('$stats', 1, '$statsCollected');
    const live = log.add('ns-servant-2', 1);
    log.send([...stats, ...live]);
    expect(label((await pending).value)).toBe(0);
    expect(await take(iterator, 1)).toEqual([`caught-up@${live[0].position.commit}`]);
    await iterator.return!(undefined);
    expect(log.unsubscribed).toBe(1);
  });

  it('drops what the server sends again from before the hand-over', async () => {
    const log = new StandInLog();
    const history = log.add('ns-servant-1', 2);
    const iterator = subscription(log);
    expect(await take(iterator, 3)).toEqual([0, 1, `caught-up@${history[1].position.commit}`]);
    const pending = iterator.next();
    await nextTurn();
    const live = log.add('ns-servant-1', 1, 'Later');
    log.send([...history, ...live]);
    expect((await pending).value).toMatchObject({ kind: 'event', event: { id: live[0].id } });
  });

  it('says caught-up only once it delivered what was written around the hand-over, however it arrives', async () => {
    const log = new StandInLog();
    log.add('ns-servant-1', 1);
    const iterator = subscription(log);
    expect(await take(iterator, 2)).toEqual([0, `caught-up@${log.records[0].position.commit}`]);
    // Written after our last page: the head read at hand-over already includes both.
    const [early, late] = log.add('ns-servant-2', 2);
    const pending = take(iterator, 3);
    await nextTurn();
    log.send([early]);
    await nextTurn();
    await nextTurn();
    log.send([late]);
    expect(await pending).toEqual([0, 1, `caught-up@${late.position.commit}`]);
  });

  it('starts after the given position', async () => {
    const log = new StandInLog();
    const records = log.add('ns-servant-1', 4);
    const iterator = subscription(log, { after: records[1].position.commit, batchSize: 1 });
    expect(await take(iterator, 3)).toEqual([2, 3, `caught-up@${records[3].position.commit}`]);
  });

  it('starts after a position inside a record, reading from a record boundary instead', async () => {
    const log = new StandInLog();
    const records = log.add('ns-servant-1', 4);
    const iterator = subscription(log, { after: records[2].position.commit - 1n });
    expect(await take(iterator, 3)).toEqual([2, 3, `caught-up@${records[3].position.commit}`]);
    const pending = iterator.next();
    await nextTurn();
    // The live subscription takes over from the last record read, not from the position asked for.
    expect(log.subscribedFrom).toEqual(records[3].position);
    const live = log.add('ns-servant-1', 1, 'Later');
    log.send(live);
    expect((await pending).value).toMatchObject({ kind: 'event', event: { id: live[0].id } });
  });

  it('ends cleanly when aborted while waiting for live events', async () => {
    const log = new StandInLog();
    const controller = new AbortController();
    const iterator = subscription(log, { signal: controller.signal });
    expect(await take(iterator, 1)).toEqual(['caught-up@0']);
    const pending = iterator.next();
    await nextTurn();
    controller.abort();
    expect((await pending).done).toBe(true);
    expect(log.unsubscribed).toBe(1);
  });

  it('stops at an event of ours it cannot read rather than skip it', async () => {
    const log = new StandInLog();
    log.add('ns-servant-1', 1);
    const [foreign] = log.add('ns-servant-1', 1);
    foreign.metadata = { written: 'by another tool' };
    log.add('ns-servant-1', 1);
    const iterator = subscription(log);
    expect(await take(iterator, 1)).toEqual([0]);
    await expect(iterator.next()).rejects.toBeInstanceOf(ForeignEventError);
  });

  it('passes on an error from the live subscription', async () => {
    const log = new StandInLog();
    const iterator = subscription(log);
    await take(iterator, 1);
    const pending = iterator.next();
    await nextTurn();
    log.feed!.destroy(new Error('14 UNAVAILABLE: connection dropped'));
    await expect(pending).rejects.toThrow(/UNAVAILABLE/);
  });
});
