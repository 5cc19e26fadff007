/**
 * RFC 6962 hashing (SHA-256, leaf prefix 0x00, interior prefix 0x01) and what a
 * leaf of our log is: the 32 bytes of the event's hash (docs/audit.md), so anyone
 * holding an exported event recomputes its leaf from the event alone.
 */
import { createHash, hash } from 'node:crypto';

export const HASH_BYTES = 32;
const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** MTH of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

// crypto.hash (one call, no Hash object) takes about half the time of createHash
// for inputs this small; the input is assembled in a reused buffer (hash copies it).
const leafScratch = Buffer.alloc(1 + HASH_BYTES, 0);
const nodeScratch = Buffer.alloc(1 + 2 * HASH_BYTES, 1);

export function leafHash(input: Buffer): Buffer {
  if (input.length !== HASH_BYTES) return hash('sha256', Buffer.concat([LEAF_PREFIX, input]), 'buffer');
  input.copy(leafScratch, 1);
  return hash('sha256', leafScratch, 'buffer');
}

/** leafHash of an event hash given as hex, without decoding it into a buffer of its own. */
export function leafHashOfHex(eventHash: string): Buffer {
  if (eventHash.length !== 2 * HASH_BYTES || leafScratch.write(eventHash, 1, 'hex') !== HASH_BYTES || !/^[0-9a-f]{64}$/.test(eventHash)) {
    return leafHash(leafInputOf(eventHash)); // throws, naming it
  }
  return hash('sha256', leafScratch, 'buffer');
}

export function interiorHash(left: Buffer, right: Buffer): Buffer {
  left.copy(nodeScratch, 1);
  right.copy(nodeScratch, 1 + HASH_BYTES);
  return hash('sha256', nodeScratch, 'buffer');
}

/** The leaf input of an event: its hash (64 hex characters) as 32 bytes. */
export function leafInputOf(eventHash: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(eventHash)) throw new TypeError(`An event hash is 64 lower-case hex characters, not "${eventHash.slice(0, 80)}"`);
  return Buffer.from(eventHash, 'hex');
}
