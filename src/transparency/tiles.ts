/**
 * Hash tiles (C2SP tlog-tiles, height 8): tile N at level L holds the hashes
 * of the tree's nodes at height 8L with indexes N*256 .. N*256+255; level 0
 * holds the leaf hashes. The tree is kept as its tiles, so the tiles served at
 * /log/tile are the stored rows as they are, and any node is its tile's
 * entries hashed up at most 7 levels. A tile still filling (partial) is
 * stored at its current width; a narrower partial tile is its prefix.
 */
import { HASH_BYTES, interiorHash } from './hashing.js';
import type { NodeId } from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface TileId {
  level: number;
  index: number;
}

/** Concatenated 32-byte hashes of a tile, by `${level}/${index}`. */
export type TileLookup = (level: number, index: number) => Buffer | undefined;

export function tileKey(level: number, index: number): string {
  return `${level}/${index}`;
}

/** The tile holding the entries a node is hashed from. */
export function tileOfNode({ level, index }: NodeId): TileId {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const firstEntry = index * 2 ** (level - tileLevel * TILE_HEIGHT);
  return { level: tileLevel, index: Math.floor(firstEntry / TILE_WIDTH) };
}

/** Every tile the nodes need, once each. */
export function tilesOfNodes(nodes: readonly NodeId[]): TileId[] {
  const found = new Map<string, TileId>();
  for (const node of nodes) {
    const tile = tileOfNode(node);
    found.set(tileKey(tile.level, tile.index), tile);
  }
  return [...found.values()];
}

/** The hash of `node`, from its tile's entries; throws when the tile is missing or too narrow (the tree is smaller). */
export function nodeFromTiles(node: NodeId, tiles: TileLookup): Buffer {
  const tileLevel = Math.floor(node.level / TILE_HEIGHT);
  const span = 2 ** (node.level - tileLevel * TILE_HEIGHT);
  const firstEntry = node.index * span;
  const tileIndex = Math.floor(firstEntry / TILE_WIDTH);
  const offset = firstEntry - tileIndex * TILE_WIDTH;
  const tile = tiles(tileLevel, tileIndex);
  if (!tile || tile.length < (offset + span) * HASH_BYTES) {
    throw new Error(`The tree holds no node ${node.level}/${node.index}: tile ${tileLevel}/${tileIndex} is missing or too narrow`);
  }
  return hashUp(tile, offset, span);
}

/** MTH of `count` (a power of two) consecutive entries of a tile, from entry `offset`. */
export function hashUp(tile: Buffer, offset: number, count: number): Buffer {
  let level: Buffer[] = [];
  for (let i = 0; i < count; i++) level.push(tile.subarray((offset + i) * HASH_BYTES, (offset + i + 1) * HASH_BYTES));
  while (level.length > 1) {
    const up: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) up.push(interiorHash(level[i], level[i + 1]));
    level = up;
  }
  return Buffer.from(level[0]);
}

/** `tile/<L>/<N>[.p/<W>]`, N in 3-digit groups, all but the last prefixed with x. */
export function tilePath(level: number, index: number, width = TILE_WIDTH): string {
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = digits.match(/\d{3}/g)!;
  const n = groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
  return `tile/${level}/${n}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

const TILE_PATH = /^tile\/(0|[1-9]\d?)\/((?:x\d{3}\/)*)(\d{3})(?:\.p\/([1-9]\d{0,2}))?$/;

/** Reads a tile path; null when it is not one (entry bundles included: we serve none). */
export function parseTilePath(path: string): (TileId & { width: number }) | null {
  const match = TILE_PATH.exec(path);
  if (!match) return null;
  const level = Number(match[1]);
  const width = match[4] === undefined ? TILE_WIDTH : Number(match[4]);
  if (level > 63 || width > 255 && match[4] !== undefined) return null;
  const digits = match[2].replace(/[x/]/g, '') + match[3];
  // A leading zero group (x000/…) would give one tile two paths.
  if (match[2] !== '' && match[2].startsWith('x000')) return null;
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) return null;
  return { level, index, width };
}
