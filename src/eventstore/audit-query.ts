/**
 * readAudit in SQL, one builder for SQLite and PostgreSQL. Every query is a
 * keyset page on the global position (`position > after [and position <
 * before] order by position [desc] limit n`, never OFFSET) driven by an index:
 * - types: one branch per type on (type, position), merged by position, so a
 *   page reads at most `limit` index entries per type;
 * - actor: the index on the metadata actor expression, (actor, position);
 * - streamId: (stream_id, position);
 * - recorded time: recordedAt never decreases along the log (nextRecordedAt),
 *   so a time window is one range of positions, found by two seeks on the
 *   (recorded_at, position) index; the exact comparison is kept as well.
 */
import type { ValidAuditQuery } from './audit.js';

export interface AuditSqlDialect {
  /** Quoted table name of the events. */
  table: string;
  /** Columns to select. */
  columns: string;
  /** The n-th (1-based) bound parameter: ?n on SQLite, $n on PostgreSQL. */
  param(n: number): string;
  /** The metadata actor, exactly as its expression index is written. */
  actor: string;
  /** recorded_at in a comparison that must not pick the recorded_at index (the position range drives). */
  recordedAtFilter: string;
  /** The larger of two position expressions (max on SQLite, greatest on PostgreSQL). */
  greatest(a: string, b: string): string;
  /** A bound value for a position or time. */
  position(value: bigint): unknown;
  time(value: Date): unknown;
  /** A further condition every branch carries (PostgreSQL's settled-rows rule), given a way to bind values. */
  extraCondition?(bind: (value: unknown) => string): string;
}

const LARGEST_POSITION = '9223372036854775807';

export function auditQuery(dialect: AuditSqlDialect, query: ValidAuditQuery): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return dialect.param(values.length);
  };
  const { filter, after, before, newestFirst, limit } = query;
  const { table, columns } = dialect;
  const afterPosition = bind(dialect.position(after));
  const conditions: string[] = [];
  if (filter.recordedFrom) {
    const from = bind(dialect.time(filter.recordedFrom));
    // One lower bound for the planner to seek on: the later of the cursor and the window's first position.
    const windowStart = `coalesce((select position from ${table} where recorded_at >= ${from} order by recorded_at, position limit 1) - 1, ${LARGEST_POSITION})`;
    conditions.push(`position > ${dialect.greatest(afterPosition, windowStart)}`, `${dialect.recordedAtFilter} >= ${from}`);
  } else {
    conditions.push(`position > ${afterPosition}`);
  }
  if (filter.recordedTo) {
    const to = bind(dialect.time(filter.recordedTo));
    conditions.push(
      `position < coalesce((select position from ${table} where recorded_at > ${to} order by recorded_at, position limit 1), ${LARGEST_POSITION})`,
      `${dialect.recordedAtFilter} <= ${to}`,
    );
  }
  if (before !== null) conditions.push(`position < ${bind(dialect.position(before))}`);
  if (filter.streamId != null) conditions.push(`stream_id = ${bind(filter.streamId)}`);
  if (filter.actor != null) conditions.push(`${dialect.actor} = ${bind(filter.actor)}`);
  if (dialect.extraCondition) conditions.push(dialect.extraCondition(bind));
  const pageSize = bind(limit);

  // Newest first walks the same indexes backwards from `before`.
  const order = newestFirst ? 'position desc' : 'position';
  const select = (extra: string[]) =>
    `select ${columns} from ${table} where ${[...conditions, ...extra].join(' and ')} order by ${order} limit ${pageSize}`;
  const types = filter.types ?? [];
  if (types.length <= 1) {
    return { text: select(types.map((type) => `type = ${bind(type)}`)), values };
  }
  const branches = types.map((type, index) => `select * from (${select([`type = ${bind(type)}`])}) as by_type_${index}`);
  return { text: `${branches.join(' union all ')} order by ${order} limit ${pageSize}`, values };
}
