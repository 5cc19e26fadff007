/**
 * Bulk append: store.append calls of 1,000 events each (event shapes taken from
 * the generated log, one new stream per call), on top of the generated log.
 * Baseline: the very rows the store wrote, inserted again with one multi-row
 * INSERT per 1,000 into a copy of the events table that holds the generated
 * log too (indexes as large as the store's). Runs last: its streams are not
 * part of the domain.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/eventstore/types.js';
import { openRawSql } from '../support/raw-sql.js';
import { figure } from '../support/report.js';
import type { Scenario } from './context.js';

const BATCH = 1_000;
const MAX_BATCHES = 60;
const MAX_MS = 20_000;

export const bulkAppend: Scenario = {
  name: 'bulk-append',
  pollutes: true,
  async run({ bench }) {
    const app = await bench.open({ project: false });
    const startHead = await app.store.headPosition();
    let appended = 0;
    let seconds = 0;
    try {
      const template = await app.store.readAll({ after: 0n, limit: BATCH });
      const started = performance.now();
      for (let b = 0; b < MAX_BATCHES && performance.now() - started < MAX_MS; b++) {
        const events: NewEvent[] = template.map((e) => ({ id: randomUUID(), type: e.type, data: e.data, metadata: e.metadata }));
        await app.store.append(`bulk-${randomUUID()}`, events, { expectedVersion: 'no_stream' });
        appended += events.length;
      }
      seconds = (performance.now() - started) / 1000;
    } finally {
      await app.close();
    }

    const raw = await openRawSql(bench);
    let rawSeconds = 0;
    let inserted = 0;
    try {
      await raw.createCopyTable(startHead);
      for (let after = startHead; inserted < appended; ) {
        const rows = await raw.eventRows(after, BATCH);
        if (rows.length === 0) break;
        const t = performance.now();
        await raw.insertMany(rows);
        rawSeconds += (performance.now() - t) / 1000;
        inserted += rows.length;
        after = BigInt(rows[rows.length - 1].position as string | number);
      }
    } finally {
      await raw.close();
    }
    return [
      figure({ scenario: 'bulk append', figure: 'events/s (batches of 1,000)', kind: 'rate', value: appended / seconds, unit: '/s', baselineName: 'multi-row insert rows/s', baseline: inserted / rawSeconds, target: { op: '>=', bound: 0.5 } }),
    ];
  },
};
