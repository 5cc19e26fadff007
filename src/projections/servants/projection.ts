/**
 * Servants: profile, employment and the personal data opened through the vault.
 * Once the data key is gone (PersonalDataErased, or any replay after it) the row
 * holds '[erased]' and nulls: the old values are overwritten in place.
 */
import type { PersonalData, ServantEvent } from '../../domain/servants/events.js';
import type { Projection, ProjectionDeps, ReadTransaction } from '../projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache, toFlag } from '../sql-support.js';
import { searchable } from './search.js';
import { migrateServants, positionKey, SERVANT_COUNTS_TABLE, SERVANTS_TABLE, type ServantRow } from './tables.js';

export const ERASED_NAME = '[erased]';

const SERVANT_EVENTS = new Set<string>(['ServantRegistered', 'EmploymentChanged', 'ServantSeparated', 'PersonalDataErased']);
type ServantFact = ProjectedEvent & ServantEvent;

const withoutPersonalData = { curp: null, full_name: ERASED_NAME, curp_digest: null, name_search: null } as const;

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

  /** `opened`: the registration's personal data, opened before the batch's loop (null once its key is gone). */
  function evolve(row: ServantRow | undefined, event: ServantFact, opened: ReadonlyMap<ServantFact, PersonalData | null>): ServantRow | undefined {
    const { revision, position, metadata } = event.recorded;
    // Already applied (a replayed batch): rows only move forward.
    if (row && revision < row.version) return row;
    const version = revision + 1;
    if (event.type === 'ServantRegistered') {
      const d = event.data;
      return {
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
        version,
      };
    }
    if (!row) return row;
    switch (event.type) {
      case 'EmploymentChanged': {
        const d = event.data;
        return {
          ...row,
          department: d.department ?? row.department,
          position: d.position !== undefined ? d.position : row.position,
          regime: d.regime ?? row.regime,
          unionized: d.unionized !== undefined ? toFlag(d.unionized) : row.unionized,
          version,
        };
      }
      case 'ServantSeparated':
        return { ...row, active: 0, version };
      case 'PersonalDataErased':
        return { ...row, ...withoutPersonalData, erased: 1, version };
    }
  }

  return {
    name: 'servants',
    eventTypes: SERVANT_EVENTS,
    readerIndexes: ['rm_servants_curp_digest', 'rm_servants_place'],
    migrate: (db) => migrateServants(db),
    reset: (trx) => deleteAll(trx, [SERVANTS_TABLE, SERVANT_COUNTS_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch).filter((e): e is ServantFact => SERVANT_EVENTS.has(e.type));
      if (events.length === 0) return;
      const rows = new RowCache<ServantRow>(trx, SERVANTS_TABLE, ['id']);
      await rows.load(events.map((e) => e.data.servantId));
      // Every registration's data in one key read, not a round trip per servant.
      const registrations = events.filter((e): e is ServantFact & { type: 'ServantRegistered' } => e.type === 'ServantRegistered');
      const data = await vault.openMany(registrations.map((e) => ({ servantId: e.data.servantId, sealed: e.data.personalData })));
      const opened = new Map<ServantFact, PersonalData | null>(registrations.map((e, i) => [e, data[i]]));
      const registered: ServantRow[] = [];
      for (const event of events) {
        const before = rows.get(event.data.servantId);
        const after = evolve(before, event, opened);
        if (after && after !== before) rows.put(after);
        if (after && !before) registered.push(after);
      }
      await rows.flush();
      await countRegistrations(trx, registered);
    },
  };
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
