/**
 * The tree's tables in the read store (so it exists on every backend, KurrentDB
 * included): its tiles, its head, and the signed checkpoints.
 *
 *   transparency_tiles        (level, tile_index) -> concatenated hashes; level-0
 *                             rows also hold their leaves' global positions
 *                             (8 bytes each, big-endian) and the first one as
 *                             20-digit text, to find a position's leaf
 *   transparency_head         one row: the tree's size and root after the last batch
 *   transparency_checkpoints  every signed checkpoint (never emptied by a rebuild)
 */
import type { ReadDatabase, ReadTransaction, SqlDialect } from '../projections/projection.js';
import type { TileId } from './tiles.js';

export const TILES_TABLE = 'transparency_tiles';
export const HEAD_TABLE = 'transparency_head';
export const CHECKPOINTS_TABLE = 'transparency_checkpoints';

type Db = ReadDatabase | ReadTransaction;

/** Integers come back as numbers on SQLite, bigint columns as strings on PostgreSQL. */
type Integer = number | string | bigint;

interface TileTableRow {
  level: Integer;
  tile_index: Integer;
  hashes: Buffer | Uint8Array;
  first_position: string | null;
  positions: Buffer | Uint8Array | null;
}

interface HeadTableRow {
  id: number;
  size: Integer;
  root_hash: string;
}

export interface TransparencyTables {
  [TILES_TABLE]: TileTableRow;
  [HEAD_TABLE]: HeadTableRow;
  [CHECKPOINTS_TABLE]: CheckpointRow;
}

export interface TileRow extends TileId {
  hashes: Buffer;
  /** Level 0 only: the global position of each leaf. */
  positions: bigint[] | null;
}

export interface StoredCheckpoint {
  size: number;
  root: Buffer;
  /** The whole signed note, with every signature it carries. */
  note: string;
  signedAt: string;
}

export async function migrateTreeTables(db: Db, dialect: SqlDialect): Promise<void> {
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable(TILES_TABLE)
    .ifNotExists()
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('tile_index', 'bigint', (c) => c.notNull())
    .addColumn('hashes', bytes, (c) => c.notNull())
    .addColumn('first_position', 'text')
    .addColumn('positions', bytes)
    .addPrimaryKeyConstraint('transparency_tiles_pk', ['level', 'tile_index'])
    .execute();
  await db.schema.createIndex('transparency_tiles_first_position').ifNotExists().on(TILES_TABLE).columns(['level', 'first_position']).execute();
  await db.schema
    .createTable(HEAD_TABLE)
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(CHECKPOINTS_TABLE)
    .ifNotExists()
    .addColumn('tree_size', 'bigint', (c) => c.primaryKey())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .execute();
}

export interface TreeHeadRow {
  size: number;
  root: Buffer;
}

export async function readTreeHead(db: Db): Promise<TreeHeadRow | null> {
  const row = await db.selectFrom(HEAD_TABLE).select(['size', 'root_hash']).where('id', '=', 1).executeTakeFirst();
  return row ? { size: Number(row.size), root: Buffer.from(row.root_hash, 'base64') } : null;
}

export async function writeTreeHead(trx: ReadTransaction, head: TreeHeadRow): Promise<void> {
  const values = { size: head.size, root_hash: head.root.toString('base64') };
  await trx
    .insertInto(HEAD_TABLE)
    .values({ id: 1, ...values })
    .onConflict((c) => c.column('id').doUpdateSet(values))
    .execute();
}

type RawTile = Pick<TileTableRow, 'level' | 'tile_index' | 'hashes' | 'positions'>;

function toTile(row: RawTile): TileRow {
  const positions = row.positions ? unpackPositions(Buffer.from(row.positions)) : null;
  return { level: Number(row.level), index: Number(row.tile_index), hashes: Buffer.from(row.hashes), positions };
}

/** The tiles asked for that exist, in one query. */
export async function readTiles(db: Db, tiles: readonly TileId[], withPositions = false): Promise<TileRow[]> {
  if (tiles.length === 0) return [];
  // Without positions, a row has none (not null): `?? null` below.
  const columns: readonly (keyof RawTile)[] = withPositions ? ['level', 'tile_index', 'hashes', 'positions'] : ['level', 'tile_index', 'hashes'];
  const rows = await db
    .selectFrom(TILES_TABLE)
    .select([...columns])
    .where((eb) => eb.or(tiles.map((t) => eb.and([eb('level', '=', t.level), eb('tile_index', '=', t.index)]))))
    .execute();
  return rows.map((row) => toTile({ ...row, positions: row.positions ?? null }));
}

export async function writeTiles(trx: ReadTransaction, tiles: readonly TileRow[]): Promise<void> {
  if (tiles.length === 0) return;
  const rows = tiles.map((tile) => ({
    level: tile.level,
    tile_index: tile.index,
    hashes: tile.hashes,
    first_position: tile.positions ? padPosition(tile.positions[0]) : null,
    positions: tile.positions ? packPositions(tile.positions) : null,
  }));
  await trx
    .insertInto(TILES_TABLE)
    .values(rows)
    .onConflict((c) =>
      c.columns(['level', 'tile_index']).doUpdateSet((eb) => ({
        hashes: eb.ref('excluded.hashes'),
        first_position: eb.ref('excluded.first_position'),
        positions: eb.ref('excluded.positions'),
      })),
    )
    .execute();
}

/** The leaf index of the event at `position`, or null when the tree holds no such event. */
export async function leafIndexOf(db: Db, position: bigint): Promise<number | null> {
  const row = await db
    .selectFrom(TILES_TABLE)
    .select(['level', 'tile_index', 'hashes', 'positions'])
    .where('level', '=', 0)
    .where('first_position', '<=', padPosition(position))
    .orderBy('first_position', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row?.positions) return null;
  const tile = toTile(row);
  const positions = tile.positions!;
  let low = 0;
  let high = positions.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (positions[middle] === position) return tile.index * 256 + middle;
    if (positions[middle] < position) low = middle + 1;
    else high = middle - 1;
  }
  return null;
}

/** The global positions of leaves [start, end), in order (for the leaves a proof names). */
export async function positionsOf(db: Db, start: number, end: number): Promise<bigint[]> {
  const tiles: TileId[] = [];
  for (let t = Math.floor(start / 256); t * 256 < end; t++) tiles.push({ level: 0, index: t });
  const rows = (await readTiles(db, tiles, true)).sort((a, b) => a.index - b.index);
  const all = rows.flatMap((row) => (row.positions ?? []).map((position, i) => ({ leaf: row.index * 256 + i, position })));
  return all.filter(({ leaf }) => leaf >= start && leaf < end).map(({ position }) => position);
}

/** Decimal text sorts like the number once padded to u64's 20 digits. */
function padPosition(position: bigint): string {
  return position.toString().padStart(20, '0');
}

function packPositions(positions: readonly bigint[]): Buffer {
  const bytes = Buffer.alloc(positions.length * 8);
  positions.forEach((position, i) => bytes.writeBigUInt64BE(position, i * 8));
  return bytes;
}

function unpackPositions(bytes: Buffer): bigint[] {
  const positions: bigint[] = [];
  for (let i = 0; i + 8 <= bytes.length; i += 8) positions.push(bytes.readBigUInt64BE(i));
  return positions;
}

interface CheckpointRow {
  tree_size: Integer;
  root_hash: string;
  note: string;
  signed_at: string;
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return { size: Number(row.tree_size), root: Buffer.from(row.root_hash, 'base64'), note: row.note, signedAt: row.signed_at };
}

/** Keeps a checkpoint; one of that size already kept stays (Ed25519 signs the same body the same way). */
export async function saveCheckpoint(db: Db, checkpoint: StoredCheckpoint): Promise<void> {
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values({ tree_size: checkpoint.size, root_hash: checkpoint.root.toString('base64'), note: checkpoint.note, signed_at: checkpoint.signedAt })
    .onConflict((c) => c.column('tree_size').doNothing())
    .execute();
}

export async function replaceCheckpointNote(db: Db, size: number, note: string): Promise<void> {
  await db.updateTable(CHECKPOINTS_TABLE).set({ note }).where('tree_size', '=', size).execute();
}

export async function latestCheckpoint(db: Db): Promise<StoredCheckpoint | null> {
  const row = await db.selectFrom(CHECKPOINTS_TABLE).selectAll().orderBy('tree_size', 'desc').limit(1).executeTakeFirst();
  return row ? toCheckpoint(row) : null;
}

export async function checkpointOfSize(db: Db, size: number): Promise<StoredCheckpoint | null> {
  const row = await db.selectFrom(CHECKPOINTS_TABLE).selectAll().where('tree_size', '=', size).executeTakeFirst();
  return row ? toCheckpoint(row) : null;
}

export async function allCheckpoints(db: Db): Promise<StoredCheckpoint[]> {
  const rows = await db.selectFrom(CHECKPOINTS_TABLE).selectAll().orderBy('tree_size').execute();
  return rows.map(toCheckpoint);
}

/** For tests and the bench: the tree's rows as one comparable text. */
export async function treeFingerprint(db: Db): Promise<string> {
  const rows = await db.selectFrom(TILES_TABLE).select(['level', 'tile_index', 'hashes', 'positions']).orderBy('level').orderBy('tile_index').execute();
  const head = await readTreeHead(db);
  const tiles = rows.map((row) => `${row.level}/${row.tile_index}:${Buffer.from(row.hashes).toString('base64')}:${row.positions ? Buffer.from(row.positions).toString('hex') : ''}`);
  return `${head ? `${head.size}:${head.root.toString('base64')}` : 'empty'}|${tiles.join('|')}`;
}
