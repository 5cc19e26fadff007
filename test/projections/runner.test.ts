import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventStore, RecordedEvent } from '../../src/eventstore/types.js';
import { ensurePositions, migratePositions, PositionClaims, readPositions, savePosition } from '../../src/projections/positions.js';
import { countEventsAfter } from '../../src/projections/event-count.js';
import { PoisonEventError, ProjectionStoppedError, UnknownProjectionError, WaitForTimeoutError } from '../../src/projections/errors.js';
import type { Projection, SqlDialect } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { type ProjectionLogger, ProjectionRunner, type ProjectionRunnerOptions } from '../../src/projections/runner.js';
import { columnNames } from '../../src/projections/sql-support.js';
import { inWriteTransaction } from '../../src/projections/transaction.js';
import { type Backend, openBackend, postgresAvailable } from './fixtures/backends.js';
import { snapshot, testEvent, testProjection, untyped } from './fixtures/projections.js';

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  details: Record<string, unknown>;
  message: string;
}

function recordingLogger(): ProjectionLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (details: object, message: string) =>
    entries.push({ level, details: details as Record<string, unknown>, message });
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Appends `count` events of alternating types over a few streams, in appends of up to 100. */
async function appendTicks(store: EventStore, count: number, types = ['Tick', 'Tock']): Promise<bigint> {
  let position = await store.headPosition();
  for (let done = 0; done < count; ) {
    const size = Math.min(100, count - done);
    const events = Array.from({ length: size }, (_, i) => testEvent(types[(done + i) % types.length], { n: done + i }));
    ({ position } = await store.append(`ticks-${done % 7}`, events));
    done += size;
  }
  return position;
}

const backends: [SqlDialect, boolean][] = [
  ['sqlite', true],
  ['postgres', await postgresAvailable()],
];

describe.each(backends)('projection runner on %s', (dialect, available) => {
  let backend: Backend;
  const cleanups: (() => Promise<void>)[] = [];
  const logger = recordingLogger();

  const runner = (options: Partial<ProjectionRunnerOptions> & { projections: Projection[] }) => {
    const created = new ProjectionRunner({
      store: backend.store,
      db: backend.read.db,
      dialect,
      writeLock: backend.writeLock,
      logger,
      ...options,
    });
    cleanups.push(() => created.stop());
    return created;
  };

  beforeEach(async () => {
    if (!available) return;
    logger.entries.length = 0;
    backend = await openBackend(dialect);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await backend?.close();
  });

  describe.skipIf(!available)('against a real database', () => {
    it('applies the log in batches and moves each checkpoint in the same transaction as its rows', async () => {
      const batchSizes: number[] = [];
      const head = await appendTicks(backend.store, 1_234);
      const live = runner({
        projections: [testProjection('alpha', { onApply: (events) => batchSizes.push(events.length) }), testProjection('beta')],
        batchSize: 500,
      });
      await live.start();
      await live.waitFor(head);

      const alpha = await snapshot(backend.read.db, 'alpha');
      expect(alpha.counts).toEqual({ Tick: 617, Tock: 617 });
      const log = await backend.store.readAll({ after: 0n, limit: 5_000 });
      expect(alpha.positions.map((row) => BigInt(row.position))).toEqual(log.map((event) => event.position));
      expect(await snapshot(backend.read.db, 'beta')).toEqual(alpha);
      expect(Math.max(...batchSizes)).toBeLessThanOrEqual(500);
      expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(1_234);

      const checkpoints = await readPositions(backend.read.db, ['alpha', 'beta']);
      expect(checkpoints.get('alpha')?.position).toBe(head);
      expect(checkpoints.get('beta')?.position).toBe(head);
      expect(await live.status()).toEqual([
        { name: 'alpha', position: head, lag: 0, lastError: null, running: true, version: 1, rebuiltFromVersion: null },
        { name: 'beta', position: head, lag: 0, lastError: null, running: true, version: 1, rebuiltFromVersion: null },
      ]);

      const next = await appendTicks(backend.store, 10);
      await live.waitFor(next);
      expect((await snapshot(backend.read.db, 'alpha')).counts).toEqual({ Tick: 622, Tock: 622 });

      // Lag without the store's own count: paging through the log counts the same.
      const pagingOnly = { readAll: (options) => backend.store.readAll(options) } as Pick<EventStore, 'readAll'> as EventStore;
      expect(await countEventsAfter(pagingOnly, 3n)).toBe(1_241);
      expect(await countEventsAfter(backend.store, 3n)).toBe(1_241);
    });

    it.runIf(dialect === 'postgres')('commits read models without waiting for the WAL flush (the log itself is flushed)', async () => {
      const projection = testProjection('alpha');
      const live = runner({ projections: [projection] });
      await live.start();
      await live.waitFor(await appendTicks(backend.store, 3));
      const setting = await sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(backend.read.db);
      expect(setting.rows[0].value).toBe('off');
    });

    it('resumes from its checkpoint after a restart without applying anything twice', async () => {
      const seen: bigint[] = [];
      const first = runner({ projections: [testProjection('alpha', { onApply: (e) => seen.push(...e.map((x) => x.position)) })] });
      const head = await appendTicks(backend.store, 300);
      await first.start();
      await first.waitFor(head);
      await first.stop();

      const more = await appendTicks(backend.store, 40);
      const second = runner({ projections: [testProjection('alpha', { onApply: (e) => seen.push(...e.map((x) => x.position)) })] });
      await second.start();
      await second.waitFor(more);
      expect(new Set(seen).size).toBe(seen.length);
      expect((await snapshot(backend.read.db, 'alpha')).positions).toHaveLength(340);
    });

    it('rebuilds at start, blue/green, a projection whose version changed, says so, and only once', async () => {
      const head = await appendTicks(backend.store, 120);
      const first = runner({ projections: [testProjection('alpha'), testProjection('beta')] });
      await first.start();
      await first.waitFor(head);
      await first.stop();
      const projected = await snapshot(backend.read.db, 'alpha');
      // Rows the old version left behind, so the rebuilt ones can be told from them.
      await backend.writeLock(() => untyped(backend.read.db).updateTable('alpha_counts').set({ n: -1 }).execute());
      await backend.writeLock(() => untyped(backend.read.db).updateTable('beta_counts').set({ n: -1 }).execute());

      const logged = recordingLogger();
      const applied: bigint[] = [];
      const second = runner({
        logger: logged,
        projections: [
          testProjection('alpha', { version: 2, extraColumn: 'note', onApply: (e) => applied.push(...e.map((x) => x.position)) }),
          testProjection('beta'),
        ],
      });
      await second.start();
      expect(await snapshot(backend.read.db, 'alpha')).toEqual(projected);
      expect(await columnNames(backend.read.db, dialect, 'alpha_positions')).toContain('note');
      expect(applied).toHaveLength(120);
      expect((await snapshot(backend.read.db, 'beta')).counts).toEqual({ Tick: -1, Tock: -1 });
      const statuses = await second.status();
      expect(statuses.map(({ name, version, rebuiltFromVersion }) => ({ name, version, rebuiltFromVersion }))).toEqual([
        { name: 'alpha', version: 2, rebuiltFromVersion: 1 },
        { name: 'beta', version: 1, rebuiltFromVersion: null },
      ]);
      expect(logged.entries.filter((entry) => /version/i.test(entry.message)).map((entry) => [entry.message, entry.details.projections])).toEqual([
        ['Projection versions changed; rebuilding them blue/green before following the log', [{ projection: 'alpha', from: 1, to: 2 }]],
        ['Projections rebuilt for their new versions', [{ projection: 'alpha', from: 1, to: 2 }]],
      ]);
      expect((await readPositions(backend.read.db, ['alpha'])).get('alpha')).toMatchObject({ position: head, version: 2, lastError: null });
      const more = await appendTicks(backend.store, 5);
      await second.waitFor(more);
      await second.stop();

      const third = runner({ projections: [testProjection('alpha', { version: 2, extraColumn: 'note' }), testProjection('beta')] });
      await third.start();
      expect((await third.status())[0]).toMatchObject({ version: 2, rebuiltFromVersion: null, position: more });
    });

    it('waitFor resolves once the events are applied and rejects clearly instead of hanging', async () => {
      const live = runner({ projections: [testProjection('alpha')] });
      await live.start();
      await live.waitFor(0n);

      const { position } = await backend.store.append('one', [testEvent('Tick')]);
      await live.waitFor(position);
      expect((await snapshot(backend.read.db, 'alpha')).counts).toEqual({ Tick: 1 });

      const never = position + 1_000n;
      const timeout = await live.waitFor(never, 200).catch((error: unknown) => error);
      expect(timeout).toBeInstanceOf(WaitForTimeoutError);
      expect(timeout).toMatchObject({ code: 'READ_MODEL_TIMEOUT', position: never, behind: ['alpha'] });
      expect((timeout as Error).message).toContain(`position ${never}`);

      const pending = live.waitFor(never, 60_000).catch((error: unknown) => error);
      await live.stop();
      expect(await pending).toBeInstanceOf(ProjectionStoppedError);
      await expect(live.waitFor(position)).rejects.toMatchObject({ code: 'PROJECTION_STOPPED' });
    });

    it('skips a projection for a batch holding none of its event types, and still moves its checkpoint', async () => {
      const seen: string[] = [];
      const tocks = testProjection('tocks', { eventTypes: new Set(['Tock']), onApply: (events) => seen.push(...events.map((e) => e.type)) });
      const live = runner({ projections: [testProjection('alpha'), tocks] });
      await live.start();

      const ticks = await appendTicks(backend.store, 30, ['Tick']);
      await live.waitFor(ticks);
      expect(seen).toEqual([]);
      expect((await readPositions(backend.read.db, ['tocks'])).get('tocks')?.position).toBe(ticks);

      // A batch holding one of its types is handed over whole, as before.
      const mixed = await appendTicks(backend.store, 4, ['Tick', 'Tock']);
      await live.waitFor(mixed);
      expect(seen.filter((type) => type === 'Tock')).toHaveLength(2);
      expect((await snapshot(backend.read.db, 'tocks')).counts).toMatchObject({ Tock: 2 });
      expect((await snapshot(backend.read.db, 'alpha')).counts).toEqual({ Tick: 32, Tock: 2 });
    });

    it('claims every position in one statement, only those still where the runner left them', async () => {
      const db = backend.read.db;
      await backend.writeLock(async () => {
        await migratePositions(db, dialect);
        await ensurePositions(db, ['one', 'two', 'three'].map((name) => ({ name, version: 1 })));
        await savePosition(db, 'two', 5n, null); // moved by a rebuild or another runner
        await savePosition(db, 'three', 0n, 'an earlier poison event');
      });
      const claimed = await inWriteTransaction(db, backend.writeLock, (trx) =>
        new PositionClaims(dialect).claim(trx, [
          { name: 'one', from: 0n, to: 7n },
          { name: 'two', from: 0n, to: 7n },
          { name: 'three', from: 0n, to: 9n },
        ]),
      );
      expect([...claimed].sort()).toEqual(['one', 'three']);
      const stored = await readPositions(db, ['one', 'two', 'three']);
      expect([...stored.values()].map(({ name, position, lastError }) => ({ name, position, lastError })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'one', position: 7n, lastError: null },
        { name: 'three', position: 9n, lastError: null },
        { name: 'two', position: 5n, lastError: null },
      ]);
    });

    it('stops only the projection that cannot apply an event, reports it, and the others go on', async () => {
      const before = await appendTicks(backend.store, 20);
      const { position: poison } = await backend.store.append('poison-stream', [testEvent('Poison')]);
      const after = await appendTicks(backend.store, 20);
      expect(poison).toBeGreaterThan(before);

      const live = runner({ projections: [testProjection('steady'), testProjection('fragile', { failOnType: 'Poison' })] });
      await live.start();
      const waiting = await live.waitFor(after).catch((error: unknown) => error);
      expect(waiting).toBeInstanceOf(ProjectionStoppedError);
      expect(waiting).toMatchObject({ projection: 'fragile', code: 'PROJECTION_STOPPED' });

      await vi.waitFor(async () => expect((await live.status())[0].position).toBe(after));
      const [steady, fragile] = await live.status();
      expect(steady).toEqual({ name: 'steady', position: after, lag: 0, lastError: null, running: true, version: 1, rebuiltFromVersion: null });
      // The batch was rolled back and replayed event by event: the 20 events before the poison are kept.
      expect(fragile).toMatchObject({ name: 'fragile', position: before, lag: 21, running: false });
      expect(fragile.lastError).toContain(`event ${poison} (Poison in stream poison-stream)`);
      expect(fragile.lastError).toContain('fragile refuses Poison');
      expect((await snapshot(backend.read.db, 'fragile')).positions).toHaveLength(20);
      expect((await readPositions(backend.read.db, ['fragile'])).get('fragile')).toMatchObject({
        position: before,
        lastError: fragile.lastError,
      });

      const errors = logger.entries.filter((entry) => entry.level === 'error');
      expect(errors).toHaveLength(1);
      expect(errors[0].details).toEqual({
        projection: 'fragile',
        position: poison.toString(),
        eventType: 'Poison',
        streamId: 'poison-stream',
      });
      expect(errors[0].message).toContain('fragile');

      const later = await appendTicks(backend.store, 5);
      await vi.waitFor(async () => expect((await live.status())[0].position).toBe(later));
      expect((await live.status())[1]).toMatchObject({ position: before, lag: 26 });

      // A process that does not run it learns from the checkpoints table that it stopped.
      const other = await backend.openAnother();
      cleanups.push(() => other.close());
      const elsewhere = new ProjectionRunner({
        store: other.store,
        db: other.read.db,
        dialect,
        writeLock: other.writeLock,
        logger,
        projections: [testProjection('steady'), testProjection('fragile')],
      });
      cleanups.push(() => elsewhere.stop());
      await elsewhere.start();
      await expect(elsewhere.waitFor(later)).rejects.toMatchObject({ code: 'PROJECTION_STOPPED', projection: 'fragile' });
      expect((await elsewhere.status())[1]).toMatchObject({ position: before, running: false, lastError: fragile.lastError });
      await elsewhere.stop();

      // Fixed and restarted, it goes on from where it stopped and catches up.
      await live.stop();
      const fixed = runner({ projections: [testProjection('steady'), testProjection('fragile')] });
      await fixed.start();
      await fixed.waitFor(later);
      expect(await snapshot(backend.read.db, 'fragile')).toEqual(await snapshot(backend.read.db, 'steady'));
      expect((await fixed.status())[1]).toMatchObject({ lastError: null, running: true, lag: 0 });
    });

    it('upcasts events before applying them; an event it cannot upcast is a poison event', async () => {
      const { position: old } = await backend.store.append('certification-a-EC0105', [
        testEvent('TrainingEnrolled', { servantId: 'a', standardCode: 'EC0105', modality: 'presencial' }, 1),
      ]);
      const live = runner({ projections: [testProjection('alpha')] });
      await live.start();
      await live.waitFor(old);
      const [row] = (await snapshot(backend.read.db, 'alpha')).positions;
      expect(row.schemaVersion).toBe(2);
      expect(JSON.parse(row.data)).toEqual({ servantId: 'a', standardCode: 'EC0105', modality: 'PRESENTIAL', provider: 'Ayuntamiento' });

      const { position: future } = await backend.store.append('certification-b-EC0105', [
        testEvent('TrainingEnrolled', { servantId: 'b', standardCode: 'EC0105', modality: 'VIRTUAL' }, 99),
      ]);
      await expect(live.waitFor(future)).rejects.toBeInstanceOf(ProjectionStoppedError);
      expect((await live.status())[0].lastError).toContain('schemaVersion 99');
    });

    it('lets one runner project each projection; a second one serves waitFor from the checkpoints and takes over', async () => {
      const appliedByFirst: RecordedEvent[] = [];
      const appliedBySecond: RecordedEvent[] = [];
      const first = runner({ projections: [testProjection('alpha', { onApply: (e) => appliedByFirst.push(...e) })] });
      await first.start();

      const other = await backend.openAnother();
      cleanups.push(() => other.close());
      const second = new ProjectionRunner({
        store: other.store,
        db: other.read.db,
        dialect,
        writeLock: other.writeLock,
        logger,
        lockCheckMs: 100,
        projections: [testProjection('alpha', { onApply: (e) => appliedBySecond.push(...e) }), testProjection('gamma')],
      });
      cleanups.push(() => second.stop());
      await second.start();

      const head = await appendTicks(backend.store, 300);
      await second.waitFor(head);
      expect(appliedBySecond).toEqual([]);
      expect(appliedByFirst).toHaveLength(300);
      expect(await second.status()).toEqual([
        { name: 'alpha', position: head, lag: 0, lastError: null, running: true, version: 1, rebuiltFromVersion: null },
        { name: 'gamma', position: head, lag: 0, lastError: null, running: true, version: 1, rebuiltFromVersion: null },
      ]);
      expect((await snapshot(other.read.db, 'gamma')).positions).toHaveLength(300);

      await first.stop();
      const more = await appendTicks(backend.store, 50);
      await second.waitFor(more);
      expect(appliedBySecond.map((event) => event.position)).toEqual(
        (await backend.store.readAll({ after: head, limit: 100 })).map((event) => event.position),
      );
      expect((await snapshot(backend.read.db, 'alpha')).positions).toHaveLength(350);
    });

    it('rebuild replays the whole log into the same rows as live projection; readers see the old rows until it commits', async () => {
      const head = await appendTicks(backend.store, 2_500, ['Tick', 'Tock', 'Tack']);
      const live = runner({ projections: [testProjection('alpha'), testProjection('beta')] });
      await live.start();
      await live.waitFor(head);
      const expected = await snapshot(backend.read.db, 'alpha');

      // Mark the old rows so a reader can tell them from rebuilt ones.
      await backend.writeLock(() => untyped(backend.read.db).updateTable('alpha_counts').set({ n: -1 }).where('event_type', '=', 'Tick').execute());

      const other = await backend.openAnother();
      cleanups.push(() => other.close());
      let seenMidway: Awaited<ReturnType<typeof snapshot>> | null = null;
      let batches = 0;
      const peek: Projection = {
        name: 'peek',
        version: 1,
        reads: 'every event',
        tables: [],
        migrate: async () => {},
        apply: async () => {
          if (++batches === 2) seenMidway = await snapshot(other.read.db, 'alpha');
        },
      };
      const progress: [number, number][] = [];
      const result = await rebuildProjections({
        store: backend.store,
        db: backend.read.db,
        dialect,
        writeLock: backend.writeLock,
        projections: [testProjection('alpha'), testProjection('beta'), peek],
        onProgress: (done, total, eventsPerSecond) => {
          expect(eventsPerSecond).toBeGreaterThan(0);
          progress.push([done, total]);
        },
      });

      expect(result).toEqual({ projections: ['alpha', 'beta', 'peek'], events: 2_500, position: head });
      expect(progress).toEqual([
        [2_000, 2_500],
        [2_500, 2_500],
      ]);
      expect(seenMidway).toMatchObject({ counts: { Tick: -1 } });
      expect(seenMidway!.positions).toHaveLength(2_500);
      expect(await snapshot(backend.read.db, 'alpha')).toEqual(expected);
      expect(await snapshot(backend.read.db, 'beta')).toEqual(expected);
      expect((await readPositions(backend.read.db, ['alpha'])).get('alpha')?.position).toBe(head);
      if (dialect === 'postgres') {
        // The planner's statistics describe the rebuilt rows, whether or not autovacuum runs.
        const { rows } = await sql<{ tablename: string }>`
          select distinct tablename from pg_stats where schemaname = current_schema() and tablename in ('alpha_counts', 'beta_counts')`.execute(backend.read.db);
        expect(rows.map((row) => row.tablename).sort()).toEqual(['alpha_counts', 'beta_counts']);
      }

      // The live runner goes on from the rebuilt checkpoint.
      const next = await appendTicks(backend.store, 3);
      await live.waitFor(next);
      expect((await snapshot(backend.read.db, 'alpha')).positions).toHaveLength(2_503);
    });

    it('rebuilds only the named projections, refuses unknown names and keeps the old rows when an event fails', async () => {
      const head = await appendTicks(backend.store, 50);
      const live = runner({ projections: [testProjection('alpha'), testProjection('beta')] });
      await live.start();
      await live.waitFor(head);
      await live.stop();
      const both = await snapshot(backend.read.db, 'alpha');
      const clear = (table: string) => backend.writeLock(() => untyped(backend.read.db).deleteFrom(table).execute());
      await clear('alpha_counts');
      await clear('beta_counts');

      const base = { store: backend.store, db: backend.read.db, dialect, writeLock: backend.writeLock };
      const projections = [testProjection('alpha'), testProjection('beta')];
      const unknown = await rebuildProjections({ ...base, projections, names: ['alpha', 'nope'] }).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(UnknownProjectionError);
      expect((unknown as Error).message).toBe('Unknown projection "nope"; known: alpha, beta');

      await rebuildProjections({ ...base, projections, names: ['alpha'] });
      expect(await snapshot(backend.read.db, 'alpha')).toEqual(both);
      expect((await snapshot(backend.read.db, 'beta')).counts).toEqual({});

      const { position: poison } = await backend.store.append('poison-stream', [testEvent('Poison')]);
      // Beside a projection that applies it (on PostgreSQL both take each batch at the same time).
      const failing = await rebuildProjections({
        ...base,
        projections: [testProjection('beta'), testProjection('alpha', { failOnType: 'Poison' })],
      }).catch((e: unknown) => e);
      expect(failing).toBeInstanceOf(PoisonEventError);
      expect(failing).toMatchObject({ code: 'POISON_EVENT', projection: 'alpha', position: poison, eventType: 'Poison' });
      expect(await snapshot(backend.read.db, 'alpha')).toEqual(both);
      expect((await snapshot(backend.read.db, 'beta')).counts).toEqual({});
      expect((await readPositions(backend.read.db, ['alpha'])).get('alpha')).toMatchObject({ position: head, lastError: null });
    });
  });
});
