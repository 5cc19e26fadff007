/**
 * The Merkle tree's arithmetic (RFC 6962 section 2.1, RFC 9162 section 2.1),
 * independent of where hashes are kept. Proofs are defined over the hash of a
 * leaf range [start, end) whose start is aligned to the range's size rounded up
 * to a power of two: every range RFC 6962's PATH and SUBPROOF name is of that
 * kind, and it is the hash of a few complete subtrees (nodes), which the tiles
 * hold. Planning a proof (which nodes?) is separate from computing it, so a
 * caller fetches every tile a proof needs in one query.
 */
import { interiorHash } from './hashing.js';

/** A complete subtree: the 2^level leaves from index * 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/** A leaf range [start, end), start aligned as above. */
export interface LeafRange {
  start: number;
  end: number;
}

/** Largest power of two strictly below n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The complete subtrees of an aligned range, left to right (largest first). */
export function rangeNodes({ start, end }: LeafRange): NodeId[] {
  const nodes: NodeId[] = [];
  let at = start;
  let left = end - start;
  for (let level = Math.floor(Math.log2(Math.max(left, 1))) + 1; level >= 0 && left > 0; level--) {
    const size = 2 ** level;
    if (size > left) continue;
    if (at % size !== 0) throw new RangeError(`Range [${start}, ${end}) is not aligned`);
    nodes.push({ level, index: at / size });
    at += size;
    left -= size;
  }
  return nodes;
}

/** MTH of an aligned range from its nodes: the right-most nodes fold first. */
export function rangeHash(range: LeafRange, node: (id: NodeId) => Buffer): Buffer {
  const nodes = rangeNodes(range);
  if (nodes.length === 0) throw new RangeError('An empty range has no hash here');
  let hash = node(nodes[nodes.length - 1]);
  for (let i = nodes.length - 2; i >= 0; i--) hash = interiorHash(node(nodes[i]), hash);
  return hash;
}

/** The ranges whose hashes make the audit path of leaf `index` in the tree of `size` leaves, leaf upwards. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`Leaf ${index} is not in a tree of ${size} leaves`);
  const path: LeafRange[] = [];
  const walk = (m: number, start: number, n: number): void => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, k);
      path.push({ start: start + k, end: start + n });
    } else {
      walk(m - k, start + k, n - k);
      path.push({ start, end: start + k });
    }
  };
  walk(index, 0, size);
  return path;
}

/** The ranges of the consistency proof from the tree of `from` leaves to the tree of `to` leaves (RFC 6962 SUBPROOF). */
export function consistencyRanges(from: number, to: number): LeafRange[] {
  if (!(from >= 0 && from <= to)) throw new RangeError(`No consistency proof from size ${from} to size ${to}`);
  if (from === 0 || from === to) return [];
  const proof: LeafRange[] = [];
  const sub = (m: number, start: number, n: number, whole: boolean): void => {
    if (m === n) {
      if (!whole) proof.push({ start, end: start + n });
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      sub(m, start, k, whole);
      proof.push({ start: start + k, end: start + n });
    } else {
      sub(m - k, start + k, n - k, false);
      proof.push({ start, end: start + k });
    }
  };
  sub(from, 0, to, true);
  return proof;
}

/** Every node the ranges need, once each. */
export function nodesOf(ranges: readonly LeafRange[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const range of ranges) for (const id of rangeNodes(range)) seen.set(`${id.level}/${id.index}`, id);
  return [...seen.values()];
}
