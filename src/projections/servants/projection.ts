/**
 * Servants: profile, employment and the personal data opened through the vault.
 * Once the data key is gone (PersonalDataErased, or any replay after it) the row
 * holds '[erased]' and nulls: the old values are overwritten in place.
 */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { CERTIFICATION_EVENT_SCHEMAS } from '../../domain/certifications/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import { sql } from 'kysely';
import type { PersonalData } from '../../domain/servants/events.js';
import {
  type CommittedBatch,
  type EventHandler,
  foldingProjection,
  IGNORED, ignoring,
  type Projection,
  type ProjectedEvent,
  type ProjectionDeps,
  type ReadTransaction,
} from '../projection.js';
import { isoTime, RowCache, toFlag } from '../sql-support.js';
import { indexNameWords, NAME_VOCABULARY_TABLE, NAME_WORDS_TABLE, type NameChange } from './name-words.js';
import { searchable } from './search.js';
import { migrateServants, positionKey, SERVANT_COUNTS_TABLE, SERVANTS_TABLE, type ServantRow } from './tables.js';

export const ERASED_NAME = '[erased]';

const withoutPersonalData = { curp: null, full_name: ERASED_NAME, curp_digest: null, name_search: null } as const;

interface Batch {
  trx: ReadTransaction;
  rows: RowCache<ServantRow>;
  /** Each registration's personal data, opened before the handlers run (null once its key is gone). */
  opened: ReadonlyMap<ProjectedEvent, PersonalData | null>;
  /** Rows this batch registered, for their place's count. */
  registered: ServantRow[];
  /** Each row as loaded, to index the names that the batch changed. */
  loaded: ReadonlyMap<string, ServantRow>;
}

type ServantEventType = 'ServantRegistered' | 'EmploymentChanged' | 'ServantSeparated' | 'PersonalDataErased';

/** Runs `change` on the servant's row unless the event was already applied (a replayed batch: rows only move forward). */
function onRow<T extends Exclude<ServantEventType, 'ServantRegistered'>>(
  change: (row: ServantRow, event: ProjectedEvent<T>) => Partial<ServantRow>,
): EventHandler<Batch, T> {
  return ({ rows }, event) => {
    const row = rows.get(event.data.servantId);
    const { revision } = event.recorded;
    if (!row || revision < row.version) return;
    rows.put({ ...row, ...change(row, event), version: revision + 1 });
  };
}

export function createServantsProjection({ vault }: Pick<ProjectionDeps, 'vault'>): Projection {
  function personalColumns(data: PersonalData | null) {
    if (!data) return withoutPersonalData;
    return {
      curp: data.curp,
      full_name: data.fullName,
      curp_digest: vault.curpDigest(data.curp),
      name_search: searchable(data.fullName),
    };
  }

  const register: EventHandler<Batch, 'ServantRegistered'> = ({ rows, opened, registered }, event) => {
    const { revision, position, metadata } = event.recorded;
    const d = event.data;
    const before = rows.get(d.servantId);
    if (before && revision < before.version) return;
    const row = rows.put({
      id: d.servantId,
      registered_position: positionKey(position),
      registered_at: isoTime(metadata.occurredAt),
      ...personalColumns(opened.get(event) ?? null),
      state: d.state,
      municipality: d.municipality,
      department: d.department,
      position: d.position,
      regime: d.regime,
      unionized: toFlag(d.unionized),
      active: 1,
      erased: 0,
      version: revision + 1,
    });
    if (!before) registered.push(row);
  };

  return foldingProjection<Batch>({
    name: 'servants',
    version: 2,
    tables: [SERVANTS_TABLE, SERVANT_COUNTS_TABLE, NAME_WORDS_TABLE, NAME_VOCABULARY_TABLE],
    readerIndexes: ['rm_servants_curp_digest', 'rm_servants_place_name'],
    migrate: (db, dialect) => migrateServants(db, dialect),
    handlers: {
      ServantRegistered: register,
      EmploymentChanged: onRow((row, { data: d }) => ({
        department: d.department ?? row.department,
        position: d.position !== undefined ? d.position : row.position,
        regime: d.regime ?? row.regime,
        unionized: d.unionized !== undefined ? toFlag(d.unionized) : row.unionized,
      })),
      ServantSeparated: onRow(() => ({ active: 0 })),
      // The old values are overwritten in place; afterCommit scrubs them from SQLite's WAL.
      PersonalDataErased: onRow(() => ({ ...withoutPersonalData, erased: 1 })),
      ...ignoring(STANDARD_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, CERTIFICATION_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
      CurpClaimed: IGNORED,
    },
    async open(trx, events) {
      const rows = new RowCache<ServantRow>(trx, SERVANTS_TABLE, ['id']);
      const loaded = await rows.load(events.map((e) => (e as ProjectedEvent<ServantEventType>).data.servantId));
      // Every registration's data in one key read, not a round trip per servant.
      const registrations = events.filter((e): e is ProjectedEvent<'ServantRegistered'> => e.type === 'ServantRegistered');
      const data = await vault.openMany(registrations.map((e) => ({ servantId: e.data.servantId, sealed: e.data.personalData })));
      return { trx, rows, opened: new Map(registrations.map((e, i) => [e, data[i]])), registered: [], loaded: new Map(loaded.map((row) => [row.id, row])) };
    },
    async close({ trx, rows, registered, loaded }) {
      // Only registrations and erasures change a name; a place and a position never change.
      const changes: NameChange[] = [];
      for (const after of rows.values()) {
        const before = loaded.get(after.id) ?? null;
        if (before?.name_search !== after.name_search || before.registered_position !== after.registered_position) changes.push({ before, after });
      }
      await rows.flush();
      await countRegistrations(trx, registered);
      await indexNameWords(trx, changes);
    },
    afterCommit: scrubWalAfterErasure,
  });
}

/**
 * SQLite keeps the page images from before an erasure in the WAL, and in the
 * main file until the next WAL checkpoint: move the overwritten pages into the
 * file and empty the WAL now, before the erasure's waitFor resolves. One that
 * cannot finish (a long reader) is done by SQLite's next one.
 */
async function scrubWalAfterErasure({ db, dialect, writeLock, events }: CommittedBatch): Promise<void> {
  if (dialect !== 'sqlite' || !events.some((event) => event.type === 'PersonalDataErased')) return;
  await writeLock(() => sql`pragma wal_checkpoint(TRUNCATE)`.execute(db));
}

/** Adds the servants a batch registered to their place's count (SERVANT_COUNTS_TABLE). */
async function countRegistrations(trx: ReadTransaction, registered: readonly ServantRow[]): Promise<void> {
  const perPlace = new Map<string, { state: string; municipality: string; servants: number }>();
  for (const { state, municipality } of registered) {
    const key = `${state}\u0000${municipality}`;
    const place = perPlace.get(key) ?? { state, municipality, servants: 0 };
    place.servants += 1;
    perPlace.set(key, place);
  }
  if (perPlace.size === 0) return;
  await trx
    .insertInto(SERVANT_COUNTS_TABLE)
    .values([...perPlace.values()])
    .onConflict((oc) =>
      oc.columns(['state', 'municipality']).doUpdateSet((eb) => ({ servants: eb(`${SERVANT_COUNTS_TABLE}.servants`, '+', eb.ref('excluded.servants')) })),
    )
    .execute();
}
