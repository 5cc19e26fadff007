/**
 * auditEvents: every matching event after a cursor, then live, in log order,
 * each once. The live listener joins first; the history is read from the log
 * only up to the position it joined at (every event up to there is committed
 * and was published before it joined), and the live part starts after the
 * history's end. Nothing falls between the two and nothing is in both, so a
 * client that reconnects with the cursor of the last event it got misses
 * nothing and sees nothing twice.
 */
import { matchesAudit, readAuditLog, validateAuditQuery } from '../eventstore/audit.js';
import type { AuditFilter, EventStore, RecordedEvent } from '../eventstore/types.js';
import type { LiveLog } from './live-log.js';

const HISTORY_PAGE = 500;

export interface AuditFeedOptions {
  store: EventStore;
  live: LiveLog;
  filter: AuditFilter;
  /** Exclusive cursor (a global position); null: from now. */
  after: bigint | null;
}

export function auditFeed({ store, live, filter: given, after }: AuditFeedOptions): AsyncIterableIterator<RecordedEvent> {
  // Checked before listening: a bad filter is BAD_USER_INPUT and leaves nothing behind.
  const { filter } = validateAuditQuery(given, { after: after ?? 0n, limit: 1 });
  const { channel, joinedAt } = live.listen((event) => matchesAudit(event, filter));
  let last = after ?? joinedAt;
  let history: RecordedEvent[] = [];
  let historyDone = after === null || after >= joinedAt;

  const fromHistory = async (): Promise<RecordedEvent | null> => {
    while (!historyDone || history.length > 0) {
      if (history.length > 0) return history.shift()!;
      const page = await readAuditLog(store, filter, { after: last, limit: HISTORY_PAGE });
      history = page.filter((event) => event.position <= joinedAt);
      if (page.length < HISTORY_PAGE || history.length < page.length) historyDone = true;
    }
    return null;
  };

  const feed: AsyncIterableIterator<RecordedEvent> = {
    async next() {
      const old = await fromHistory();
      if (old) {
        last = old.position;
        return { done: false, value: old };
      }
      for (;;) {
        const result = await channel.next();
        if (result.done) return result;
        if (result.value.position <= last) continue;
        last = result.value.position;
        return result;
      }
    },
    async return() {
      history = [];
      historyDone = true;
      return channel.return();
    },
    [Symbol.asyncIterator]: () => feed,
  };
  return feed;
}
