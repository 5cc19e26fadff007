/**
 * Appends leaves to the tree through its right edge: the partial tile of each
 * level. A level-L tile that reaches 256 entries is complete: its root (the
 * node at height 8(L+1)) becomes the next entry of level L+1. Everything left of
 * the edge never changes again, so an append touches only the edge tiles, and
 * the root is computed from them alone.
 */
import { EMPTY_ROOT, HASH_BYTES } from './hashing.js';
import { rangeHash } from './merkle.js';
import { hashUp, nodeFromTiles, TILE_WIDTH, type TileId } from './tiles.js';

/** A tile as stored: concatenated hashes. */
export interface StoredTile extends TileId {
  hashes: Buffer;
}

export class TreeBuilder {
  private treeSize: number;
  /** Entries of the partial tile per level (index = level). */
  private readonly edge: Buffer[][];
  /** Tiles completed since the last takeChanges(). */
  private completed: StoredTile[] = [];
  /** Levels whose partial tile changed since then (written as they stand when taken). */
  private dirty = new Set<number>();

  /** `edgeTiles`: the tree's partial tiles as stored (at most one per level), for a tree of `size` leaves. */
  constructor(size: number, edgeTiles: readonly StoredTile[]) {
    this.treeSize = size;
    this.edge = [];
    for (const { level, index, width } of edgeTilesOf(size)) {
      const tile = edgeTiles.find((t) => t.level === level && t.index === index);
      if (!tile || tile.hashes.length < width * HASH_BYTES) {
        throw new Error(`The stored tree of ${size} leaves lacks its edge tile ${level}/${index} (width ${width}): rebuild it`);
      }
      const entries: Buffer[] = [];
      for (let i = 0; i < width; i++) entries.push(Buffer.from(tile.hashes.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES)));
      this.edge[level] = entries;
    }
  }

  get size(): number {
    return this.treeSize;
  }

  append(leaf: Buffer): void {
    let entry = leaf;
    for (let level = 0; ; level++) {
      const entries = (this.edge[level] ??= []);
      entries.push(entry);
      if (entries.length < TILE_WIDTH) {
        this.dirty.add(level);
        break;
      }
      // Complete: kept as a full tile, its root goes up a level.
      const full = Buffer.concat(entries);
      this.completed.push({ level, index: Math.floor(this.treeSize / TILE_WIDTH ** (level + 1)), hashes: full });
      this.edge[level] = [];
      this.dirty.delete(level);
      entry = hashUp(full, 0, TILE_WIDTH);
    }
    this.treeSize += 1;
  }

  /** The tiles to write since the last call: those completed, and the partial ones as they now stand. */
  takeChanges(): StoredTile[] {
    const changes = this.completed;
    for (const level of this.dirty) {
      changes.push({ level, index: Math.floor(this.treeSize / TILE_WIDTH ** (level + 1)), hashes: Buffer.concat(this.edge[level]) });
    }
    this.completed = [];
    this.dirty = new Set();
    return changes;
  }

  root(): Buffer {
    if (this.treeSize === 0) return EMPTY_ROOT;
    const tiles = new Map<number, Buffer>();
    const edgeTile = (level: number, index: number): Buffer | undefined => {
      if (index !== Math.floor(this.treeSize / TILE_WIDTH ** (level + 1))) return undefined;
      const entries = this.edge[level];
      if (!entries || entries.length === 0) return undefined;
      if (!tiles.has(level)) tiles.set(level, Buffer.concat(entries));
      return tiles.get(level);
    };
    return rangeHash({ start: 0, end: this.treeSize }, (node) => nodeFromTiles(node, edgeTile));
  }
}

/** The partial tiles of a tree of `size` leaves: level L has floor(size / 256^L) mod 256 entries. */
export function edgeTilesOf(size: number): (TileId & { width: number })[] {
  const tiles: (TileId & { width: number })[] = [];
  for (let level = 0, below = size; below > 0; level++, below = Math.floor(below / TILE_WIDTH)) {
    const width = below % TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: Math.floor(below / TILE_WIDTH), width });
  }
  return tiles;
}
