/**
 * The log's Merkle tree as a projection: every event, in position order, is
 * the next leaf (its input: the event hash's 32 bytes). Its tiles and head move
 * in the runner's transaction with its checkpoint, so a crash never leaves the
 * tree and its position apart, and `acredita rebuild` builds it anew from the
 * log like any read model. Each batch reads the head and the edge tiles (one
 * query each) and writes only the tiles it changed.
 */
import type { RecordedEvent } from '../eventstore/types.js';
import type { Projection, ReadTransaction } from '../projections/projection.js';
import { leafHashOfHex } from './hashing.js';
import { TILE_WIDTH } from './tiles.js';
import { edgeTilesOf, TreeBuilder } from './tree-builder.js';
import { HEAD_TABLE, migrateTreeTables, readTiles, readTreeHead, type TileRow, TILES_TABLE, writeTiles, writeTreeHead } from './tree-store.js';

export const TRANSPARENCY_PROJECTION = 'transparency';

export function createTransparencyProjection(): Projection {
  return {
    name: TRANSPARENCY_PROJECTION,
    version: 1,
    // Every event is a leaf, whatever its type.
    reads: 'every event',
    // The signed checkpoints stay through a rebuild: they are what a rebuilt tree is held against.
    tables: [TILES_TABLE, HEAD_TABLE],
    migrate: (db, dialect) => migrateTreeTables(db, dialect),
    apply: appendEvents,
  };
}

async function appendEvents(trx: ReadTransaction, events: readonly RecordedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const size = (await readTreeHead(trx))?.size ?? 0;
  const edge = await readTiles(trx, edgeTilesOf(size), true);
  const builder = new TreeBuilder(size, edge);
  // Level-0 positions of the tile now filling, then of every leaf appended.
  const firstTile = Math.floor(size / TILE_WIDTH);
  const positions: bigint[] = [...(edge.find((tile) => tile.level === 0 && tile.index === firstTile)?.positions ?? [])];
  for (const event of events) {
    builder.append(leafHashOfHex(event.hash));
    positions.push(event.position);
  }
  const tiles: TileRow[] = builder.takeChanges().map((tile) => ({
    ...tile,
    positions: tile.level === 0 ? positions.slice((tile.index - firstTile) * TILE_WIDTH, (tile.index - firstTile + 1) * TILE_WIDTH) : null,
  }));
  await writeTiles(trx, tiles);
  await writeTreeHead(trx, { size: builder.size, root: builder.root() });
}
