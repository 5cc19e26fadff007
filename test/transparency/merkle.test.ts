/**
 * The tree's arithmetic against known answers (RFC 6962 test leaves, the roots
 * and proofs published by transparency-dev/merkle, Google's RFC 6962 library),
 * then every size from 1 to 600 (across tile boundaries) against a recursive
 * MTH written here and the separate verifier in docs/verify-log.mjs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VerifyError, verifyConsistency, verifyInclusion } from '../../docs/verify-log.mjs';
import { EMPTY_ROOT, leafHash } from '../../src/transparency/hashing.js';
import { consistencyRanges, inclusionRanges, type LeafRange, rangeHash } from '../../src/transparency/merkle.js';
import { nodeFromTiles, parseTilePath, tileKey, tilePath } from '../../src/transparency/tiles.js';
import { TreeBuilder } from '../../src/transparency/tree-builder.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(hex);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
// [leaf index (0-based), tree size, path]
const INCLUSION: [number, number, string[]][] = [
  [0, 1, []],
  [0, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [5, 8, ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
  [1, 5, ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
];
const CONSISTENCY: [number, number, string[]][] = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
  [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
];

/** A tree built through the builder, its tiles kept in memory as the projection stores them. */
function buildTree(leafHashes: Buffer[]) {
  const builder = new TreeBuilder(0, []);
  const tiles = new Map<string, Buffer>();
  const roots: Buffer[] = [EMPTY_ROOT];
  for (const leaf of leafHashes) {
    builder.append(leaf);
    for (const tile of builder.takeChanges()) tiles.set(tileKey(tile.level, tile.index), tile.hashes);
    roots.push(builder.root());
  }
  const node = (range: LeafRange) => rangeHash(range, (id) => nodeFromTiles(id, (level, index) => tiles.get(tileKey(level, index))));
  return {
    roots,
    inclusion: (index: number, size: number) => inclusionRanges(index, size).map(node),
    consistency: (from: number, to: number) => consistencyRanges(from, to).map(node),
  };
}

/** RFC 6962 MTH, recursively, straight from the RFC's definition. */
function referenceRoot(leaves: Buffer[]): Buffer {
  const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

describe('RFC 6962 known answers', () => {
  const tree = buildTree(LEAVES.map(leafHash));

  it('roots of sizes 0 to 8', () => {
    expect(tree.roots[0].toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(tree.roots.slice(1).map((root) => root.toString('hex'))).toEqual(ROOTS);
  });

  it.each(INCLUSION)('inclusion of leaf %i in the tree of size %i', (index, size, path) => {
    expect(tree.inclusion(index, size).map((h) => h.toString('hex'))).toEqual(path);
    verifyInclusion(index, size, leafHash(LEAVES[index]), path.map(hex), hex(ROOTS[size - 1]));
  });

  it.each(CONSISTENCY)('consistency from size %i to size %i', (from, to, path) => {
    expect(tree.consistency(from, to).map((h) => h.toString('hex'))).toEqual(path);
    verifyConsistency(from, to, hex(ROOTS[from - 1]), hex(ROOTS[to - 1]), path.map(hex));
  });
});

describe('every size from 1 to 600', () => {
  const leaves = Array.from({ length: 600 }, () => leafHash(randomBytes(32)));
  const tree = buildTree(leaves);

  it('roots equal the recursive MTH', () => {
    for (let size = 1; size <= leaves.length; size++) expect(tree.roots[size].equals(referenceRoot(leaves.slice(0, size))), `size ${size}`).toBe(true);
  });

  it('every inclusion proof verifies; a changed hash, leaf or index does not', () => {
    for (let size = 1; size <= leaves.length; size += size < 40 ? 1 : 37) {
      for (let index = 0; index < size; index += size < 40 ? 1 : 13) {
        const path = tree.inclusion(index, size);
        verifyInclusion(index, size, leaves[index], path, tree.roots[size]);
        if (path.length > 0) {
          const bad = path.map((h, i) => (i === path.length - 1 ? Buffer.from(h).fill(h[0] ^ 0xff, 0, 1) : h)); // first byte flipped
          expect(() => verifyInclusion(index, size, leaves[index], bad, tree.roots[size])).toThrow(VerifyError);
          expect(() => verifyInclusion(index, size, leaves[(index + 1) % size], path, tree.roots[size])).toThrow(VerifyError);
        }
      }
    }
  });

  it('every consistency proof verifies; the proof against another history does not', () => {
    const other = buildTree(leaves.map((leaf, i) => (i === 100 ? leafHash(Buffer.from('rewritten')) : leaf)));
    for (let to = 1; to <= leaves.length; to += to < 40 ? 1 : 29) {
      for (let from = 1; from <= to; from += from < 40 ? 1 : 17) {
        verifyConsistency(from, to, tree.roots[from], tree.roots[to], tree.consistency(from, to));
        if (from > 100) {
          // The rewritten tree's proof cannot link the original checkpoint to it.
          expect(() => verifyConsistency(from, to, tree.roots[from], other.roots[to], other.consistency(from, to))).toThrow(VerifyError);
        }
      }
    }
  });
});

describe('tile paths (C2SP tlog-tiles)', () => {
  it.each([
    [0, 0, 256, 'tile/0/000'],
    [0, 1234067, 256, 'tile/0/x001/x234/067'],
    [1, 5, 17, 'tile/1/005.p/17'],
    [3, 1000, 256, 'tile/3/x001/000'],
  ])('level %i index %i width %i is %s', (level, index, width, path) => {
    expect(tilePath(level, index, width)).toBe(path);
    expect(parseTilePath(path)).toEqual({ level, index, width });
  });

  it.each(['tile/0/1', 'tile/0/x000/001', 'tile/00/001', 'tile/64/000', 'tile/0/001.p/0', 'tile/0/001.p/256', 'tile/entries/000', 'tile/0/x1/001'])(
    '%s is refused',
    (path) => expect(parseTilePath(path)).toBeNull(),
  );
});
