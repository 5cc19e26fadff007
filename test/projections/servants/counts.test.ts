/**
 * The per-place servant counts behind totalCount: they agree with counting the
 * rows for every place filter, across batches, replays, separation, erasure
 * and a rebuild, and a read model projected before the counts existed is
 * counted once when migrated.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createServantsProjection } from '../../../src/projections/servants/projection.js';
import { SERVANT_COUNTS_TABLE, SERVANTS_TABLE } from '../../../src/projections/servants/tables.js';
import type { ServantFilter } from '../../../src/projections/read-model.js';
import { EventLog, servantRegistered, type ServantFacts } from '../../support/event-factory.js';
import { createTestVault } from '../../support/test-vault.js';
import { emptyTables, forEachDialect, project, readModelOf, type ReadFixture } from '../dialects.js';

const vault = createTestVault();
const PLACES = [
  { state: 'Baja California', municipality: 'Tijuana' },
  { state: 'Baja California', municipality: 'Mexicali' },
  { state: 'Sonora', municipality: 'Tijuana' },
];
const servant = (i: number): ServantFacts => ({
  servantId: `s${i}`,
  curp: `AAAA8001${String(i).padStart(2, '0')}HBCRNN0${i % 10}`,
  fullName: `Servant ${i}`,
  ...PLACES[i % PLACES.length],
  department: 'Tesoreria',
  regime: 'BASE',
});

const FILTERS: ServantFilter[] = [
  {},
  { state: 'Baja California' },
  { municipality: 'Tijuana' },
  { state: 'Baja California', municipality: 'Tijuana' },
  { state: 'Sonora', municipality: 'Mexicali' },
  { state: 'Baja California', nameContains: '  ' },
];

async function expectCountsToMatchRows(fixture: ReadFixture): Promise<void> {
  const readModel = readModelOf(fixture);
  for (const filter of FILTERS) {
    const rows = (await fixture.db.selectFrom(SERVANTS_TABLE).selectAll().execute()) as { state: string; municipality: string }[];
    const expected = rows.filter((r) => (filter.state == null || r.state === filter.state) && (filter.municipality == null || r.municipality === filter.municipality));
    expect((await readModel.servants(filter, { size: 1 })).totalCount, JSON.stringify(filter)).toBe(expected.length);
  }
}

forEachDialect(
  () => [createServantsProjection({ vault })],
  ({ fixture, projections }) => {
    it('agree with the rows across batches, a replayed batch, separation and erasure', async () => {
      const log = new EventLog();
      for (let i = 0; i < 10; i++) log.record(await servantRegistered(vault, servant(i)), '2017-03-01T16:00:00.000Z');
      log.record({ type: 'ServantSeparated', data: { servantId: 's1', reason: 'Resigned' } }, '2018-03-01T00:00:00.000Z');
      log.record({ type: 'PersonalDataErased', data: { servantId: 's2', reason: 'Request' } }, '2018-03-02T00:00:00.000Z');
      await project(fixture().db, projections, log.events, 3);
      await project(fixture().db, projections, log.events.slice(0, 4));
      await expectCountsToMatchRows(fixture());
      expect((await readModelOf(fixture()).servants({ state: 'Baja California', municipality: 'Tijuana' }, { size: 1 })).totalCount).toBe(4);
    });

    it('are rebuilt with the rows, and counted once for a read model that predates them', async () => {
      const log = new EventLog();
      for (let i = 0; i < 7; i++) log.record(await servantRegistered(vault, servant(i)), '2017-03-01T16:00:00.000Z');
      const { db, dialect } = fixture();
      await project(db, projections, log.events);
      await emptyTables(db, projections);
      await project(db, projections, log.events, 2);
      await expectCountsToMatchRows(fixture());

      await sql`drop table ${sql.table(SERVANT_COUNTS_TABLE)}`.execute(db);
      await projections[0].migrate(db, dialect);
      await expectCountsToMatchRows(fixture());
      await projections[0].migrate(db, dialect);
      await expectCountsToMatchRows(fixture());
    });
  },
);
