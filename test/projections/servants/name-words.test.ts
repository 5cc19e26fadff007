/**
 * nameContains through the words of names: for every fragment of every name
 * (and fragments with spaces, wildcards, none at all), in every place scope and
 * with other filters, totalCount and the page agree with matching the names
 * directly, across batches, a replayed batch, an erasure and a rebuild; an
 * erased servant's words leave the vocabulary unless someone else has them.
 */
import { expect, it } from 'vitest';
import { createServantsProjection } from '../../../src/projections/servants/projection.js';
import { NAME_VOCABULARY_TABLE, NAME_WORDS_TABLE } from '../../../src/projections/servants/name-words.js';
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
const NAMES = [
  'María de los Ángeles Ortiz Núñez',
  'Ana Mariana Santana',
  'José Ángel De la Cruz',
  'Luz  Peña_Zúñiga',
  'Juan Pablo García García',
  'Mariana Ana López',
  'Íñigo Peña 100%',
  'Ximena Ibáñez',
];
const facts = (i: number): ServantFacts => ({
  servantId: `s${i}`,
  curp: `AAAA8001${String(i).padStart(2, '0')}HBCRNN0${i % 10}`,
  fullName: NAMES[i % NAMES.length],
  ...PLACES[i % PLACES.length],
  department: i % 2 ? 'Tesorería' : 'Catastro',
  regime: 'BASE',
});
const SERVANTS = Array.from({ length: 24 }, (_, i) => facts(i));

/** Written apart from the read model's own normalisation: NFD, no marks, lower case. */
const plain = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

function fragments(): string[] {
  const found = new Set(['', '  ', 'a l', 'de la', '_', '%', '0%', 'a_z', 'xyz', 'ÁNGEL', ' pena ']);
  for (const name of NAMES) {
    const text = plain(name);
    for (let length = 1; length <= 3; length++) for (let i = 0; i + length <= text.length; i++) found.add(text.slice(i, i + length));
  }
  return [...found];
}

function expected(filter: ServantFilter, erased: ReadonlySet<string>): string[] {
  const fragment = plain(filter.nameContains?.trim() ?? '');
  return SERVANTS.filter(
    (s) =>
      (filter.state == null || s.state === filter.state) &&
      (filter.municipality == null || s.municipality === filter.municipality) &&
      (filter.department == null || s.department === filter.department) &&
      (fragment === '' || (!erased.has(s.servantId) && plain(s.fullName).includes(fragment))),
  ).map((s) => s.servantId);
}

const SCOPES: ServantFilter[] = [
  {},
  { state: 'Baja California' },
  { state: 'Baja California', municipality: 'Tijuana' },
  { municipality: 'Tijuana' },
  { state: 'Sonora', department: 'Tesorería' },
  { state: 'Baja California', municipality: '' },
  { state: '' },
];

async function expectNamesToMatch(fixture: ReadFixture, erased: ReadonlySet<string>): Promise<void> {
  const readModel = readModelOf(fixture);
  for (const scope of SCOPES) {
    for (const nameContains of fragments()) {
      const filter = { ...scope, nameContains };
      const want = expected(filter, erased);
      const page = await readModel.servants(filter, { size: 30 });
      expect(page.totalCount, JSON.stringify(filter)).toBe(want.length);
      expect(page.items.map(({ servant }) => servant.id), JSON.stringify(filter)).toEqual(want);
    }
  }
}

async function vocabulary(fixture: ReadFixture): Promise<string[]> {
  const rows = await fixture.db.selectFrom(NAME_VOCABULARY_TABLE).select('word').where('state', '=', '').where('municipality', '=', '').orderBy('word').execute();
  return rows.map((row) => row.word);
}

forEachDialect(
  () => [createServantsProjection({ vault })],
  ({ fixture, projections }) => {
    it('count and page every fragment in every scope as matching the names would, across batches, a replay, an erasure and a rebuild', async () => {
      const log = new EventLog();
      for (const servant of SERVANTS) log.record(await servantRegistered(vault, servant), '2017-03-01T16:00:00.000Z');
      await project(fixture().db, projections, log.events, 5);
      await project(fixture().db, projections, log.events.slice(3, 9));
      await expectNamesToMatch(fixture(), new Set());

      // s7 is the only Ximena Ibáñez of the place... and of the country after s15 and s23 go too.
      const erased = new Set(['s2', 's7', 's15', 's23']);
      for (const servantId of erased) await vault.erase(servantId);
      for (const servantId of erased) log.record({ type: 'PersonalDataErased', data: { servantId, reason: 'ARCO 1/2026' } }, '2026-01-01T00:00:00.000Z');
      await project(fixture().db, projections, log.events.slice(SERVANTS.length), 3);
      await expectNamesToMatch(fixture(), erased);
      const words = await vocabulary(fixture());
      expect(words).not.toContain('ximena');
      expect(words).not.toContain('ibanez');
      expect(words).toContain('cruz');
      const postings = JSON.stringify(await fixture().db.selectFrom(NAME_WORDS_TABLE).selectAll().execute());
      expect(postings).not.toContain('ximena');

      await emptyTables(fixture().db, projections);
      await project(fixture().db, projections, log.events, 7);
      await expectNamesToMatch(fixture(), erased);
      expect(await vocabulary(fixture())).toEqual(words);
    });
  },
);
