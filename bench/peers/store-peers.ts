/**
 * Store peers: our event store, Emmett and raw SQL side by side, on the same
 * database server (PostgreSQL) or the same disk (SQLite, Emmett in a file of
 * its own beside ours), in the same run, with the same events (shapes taken
 * from the generated log). Rows: 1 event per append (new streams; on
 * PostgreSQL one stream too), 100 events per append, the whole log read and
 * decoded, one 200-event stream read. Raw SQL inserts the very rows our store
 * wrote into a copy of the events table holding the same log (bench/support/raw-sql.ts).
 * Appends streams the domain does not know: runs last.
 */
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '../../src/eventstore/types.js';
import type { Scenario } from '../scenarios/context.js';
import { summarize, timeSequential, type Latencies } from '../support/measure.js';
import { openRawSql } from '../support/raw-sql.js';
import { figure, type Figure } from '../support/report.js';
import { openEmmett, type PeerStore } from './emmett/emmett.js';

const SINGLE_MAX = { count: 5_000, maxMs: 8_000, warmup: 20 };
const BATCH = 100;
const BATCH_MAX = { count: 1_000, maxMs: 8_000, warmup: 2 };
const PAGE = 1_000;
const STREAM = 200;
const STREAM_READS = { count: 200, maxMs: 4_000, warmup: 5 };

/** One table row: ours, Emmett and raw SQL where each applies. */
interface Row {
  figure: string;
  kind: 'rate' | 'latency';
  unit: string;
  ours: number;
  emmett: number | null;
  raw: number | null;
  /** Bounds on ours / raw and ours / Emmett (issue #23). */
  overRaw?: number;
  overEmmett?: number;
}

export const storePeers: Scenario = {
  name: 'store-peers',
  pollutes: true,
  async run({ bench, say }) {
    const app = await bench.open({ project: false });
    let emmett: PeerStore | null = null;
    const rows: Row[] = [];
    try {
      const template = (await app.store.readAll({ after: 0n, limit: 10_000 })).map((e) => ({ type: e.type, data: e.data, metadata: e.metadata }));
      const pick = (i: number): Omit<NewEvent, 'id'> => template[((i % template.length) + template.length) % template.length];
      const ours = (i: number): NewEvent => ({ id: randomUUID(), ...pick(i) });
      emmett = await openEmmett(bench);
      say(`   peer: ${emmett.name}`);
      const peer = emmett;
      const startHead = await app.store.headPosition();

      const single = await pair(
        (i) => app.store.append(`peer-${randomUUID()}`, [ours(i)], { expectedVersion: 'no_stream' }),
        (i) => peer.append(`peer-${randomUUID()}`, [pick(i)], 0),
        SINGLE_MAX,
      );
      let oneStream: [Latencies, Latencies] | null = null;
      if (bench.backend === 'postgres') {
        const [a, b] = [`peer-${randomUUID()}`, `peer-${randomUUID()}`];
        let va = 0;
        let vb = 0;
        oneStream = await pair(
          async (i) => void (await app.store.append(a, [ours(i)], { expectedVersion: va++ })),
          async (i) => peer.append(b, [pick(i)], vb++),
          SINGLE_MAX,
        );
      }
      const batch = (from: number) => Array.from({ length: BATCH }, (_, k) => from * BATCH + k);
      const batched = await pair(
        (i) => app.store.append(`peer-${randomUUID()}`, batch(i).map(ours), { expectedVersion: 'no_stream' }),
        (i) => peer.append(`peer-${randomUUID()}`, batch(i).map(pick), 0),
        BATCH_MAX,
      );
      const [ourStream, peerStream] = [`peer-${randomUUID()}`, `peer-${randomUUID()}`];
      for (let from = 0; from < STREAM; from += BATCH) {
        await app.store.append(ourStream, batch(from / BATCH).map(ours), { expectedVersion: from });
        await peer.append(peerStream, batch(from / BATCH).map(pick), from);
      }
      const streamReads = await pair(
        async () => expectCount(await app.store.readStream(ourStream).then((events) => events.length), STREAM),
        async () => expectCount(await peer.readStream(peerStream), STREAM),
        STREAM_READS,
      );
      const ourScan = await timed(() => readAllDecoded(app.store));
      const peerScan = await timed(() => peer.readAll(PAGE));

      // Raw SQL inserts the rows our appends wrote (each once: the copy keeps the unique keys), into a copy holding the log they were written on.
      const raw = await openRawSql(bench);
      let rawSingle: Latencies;
      let rawBatch: Latencies;
      let rawScan: { count: number; seconds: number };
      try {
        await raw.createCopyTable(startHead);
        const written = await raw.eventRows(startHead, 200_000);
        const half = Math.floor(written.length / 2);
        rawSingle = await timeSequential((i) => raw.insertOne(written[i]), { ...SINGLE_MAX, warmup: 0, count: Math.min(SINGLE_MAX.count, half) });
        rawBatch = await timeSequential((i) => raw.insertMany(written.slice(half + i * BATCH, half + (i + 1) * BATCH)), {
          ...BATCH_MAX,
          warmup: 0,
          count: Math.min(BATCH_MAX.count, Math.floor((written.length - half) / BATCH)),
        });
        rawScan = await timed(() => raw.scanDecoded(PAGE));
      } finally {
        await raw.close();
      }

      rows.push({ figure: '1 event per append, events/s', kind: 'rate', unit: '/s', ours: single[0].perSecond, emmett: single[1].perSecond, raw: rawSingle.perSecond, ...(bench.backend === 'postgres' ? { overRaw: 0.6, overEmmett: 1.5 } : {}) });
      if (oneStream) rows.push({ figure: '1 event per append, one stream, events/s', kind: 'rate', unit: '/s', ours: oneStream[0].perSecond, emmett: oneStream[1].perSecond, raw: null });
      rows.push({ figure: `${BATCH} events per append, events/s`, kind: 'rate', unit: '/s', ours: batched[0].perSecond * BATCH, emmett: batched[1].perSecond * BATCH, raw: rawBatch.perSecond * BATCH, overRaw: 0.5 });
      rows.push({ figure: 'read all + decode, events/s', kind: 'rate', unit: '/s', ours: ourScan.count / ourScan.seconds, emmett: peerScan.count / peerScan.seconds, raw: rawScan.count / rawScan.seconds });
      rows.push({ figure: `read a ${STREAM}-event stream, p50`, kind: 'latency', unit: 'ms', ours: streamReads[0].p50, emmett: streamReads[1].p50, raw: null });
      say(peerTable(bench.backend, emmett.name, rows));
    } finally {
      await emmett?.close();
      await app.close();
    }
    return rows.flatMap((row): Figure[] => [
      figure({ scenario: 'store peers', figure: row.figure, kind: row.kind, value: row.ours, unit: row.unit, ...(row.raw !== null ? { baselineName: 'raw SQL', baseline: row.raw } : {}), ...(row.overRaw ? { target: { op: '>=', bound: row.overRaw } } : {}) }),
      ...(row.emmett !== null
        ? [figure({ scenario: 'store peers', figure: `${row.figure}, ours over Emmett`, kind: row.kind, value: row.ours, unit: row.unit, baselineName: 'Emmett', baseline: row.emmett, ...(row.overEmmett ? { target: { op: '>=', bound: row.overEmmett } } : {}) })]
        : []),
    ]);
  },
};

/**
 * `a` and `b` in turns, so a slow spell of the shared machine lands on both
 * alike; `i` counts each one's calls. Each rate is its calls over its own time
 * (timeAlternating divides by the time of both).
 */
async function pair(a: (i: number) => Promise<unknown>, b: (i: number) => Promise<unknown>, limits: { count: number; maxMs: number; warmup: number }): Promise<[Latencies, Latencies]> {
  const works = [a, b];
  for (let i = 0; i < limits.warmup; i++) for (const work of works) await work(-1 - i);
  const samples: [number[], number[]] = [[], []];
  const started = performance.now();
  for (let i = 0; i < limits.count && performance.now() - started < limits.maxMs; i++) {
    for (const [k, work] of works.entries()) {
      const t = performance.now();
      await work(i);
      samples[k].push(performance.now() - t);
    }
  }
  const [first, second] = samples.map((taken) => summarize(taken, taken.reduce((sum, ms) => sum + ms, 0) / 1000));
  return [first, second];
}

async function readAllDecoded(store: EventStore): Promise<number> {
  let count = 0;
  for (let after = 0n; ; ) {
    const page = await store.readAll({ after, limit: PAGE });
    if (page.length === 0) return count;
    count += page.length;
    after = page[page.length - 1].position;
  }
}

async function timed(read: () => Promise<number>): Promise<{ count: number; seconds: number }> {
  const started = performance.now();
  const count = await read();
  return { count, seconds: (performance.now() - started) / 1000 };
}

function expectCount(got: number, want: number): void {
  if (got !== want) throw new Error(`read ${got} events of a ${want}-event stream`);
}

/** The side-by-side table for docs/benchmarks.md. */
function peerTable(backend: string, peerName: string, rows: Row[]): string {
  const n = (value: number | null, unit: string) => (value === null ? '' : unit === 'ms' ? `${value.toFixed(2)} ms` : `${Math.round(value).toLocaleString('en')}/s`);
  return [
    `| ${backend} | raw SQL | ${peerName} | ours | ours / raw | ours / Emmett |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => {
      const ratio = (base: number | null) => (base === null ? '' : (row.kind === 'rate' ? row.ours / base : base / row.ours).toFixed(2));
      return `| ${row.figure.replace(/, (events\/s|p50)$/, '')} | ${n(row.raw, row.unit)} | ${n(row.emmett, row.unit)} | ${n(row.ours, row.unit)} | ${ratio(row.raw)} | ${ratio(row.emmett)} |`;
    }),
  ].join('\n');
}
