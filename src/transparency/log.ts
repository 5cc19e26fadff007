/**
 * The transparency log's service: signs checkpoints of the tree, answers
 * inclusion and consistency proofs against them, serves tiles, takes witness
 * cosignatures. Reads the tree's tables (tree-store.ts); writes only
 * checkpoints, through the read store's write lock.
 */
import type { EventStore } from '../eventstore/types.js';
import type { ReadDatabase } from '../projections/projection.js';
import { inWriteTransaction, noWriteLock, type WriteLock } from '../projections/transaction.js';
import { formatCheckpointBody, parseCheckpointBody } from './checkpoint.js';
import { NotInLogError, TransparencyInputError } from './errors.js';
import { EMPTY_ROOT, HASH_BYTES, leafInputOf } from './hashing.js';
import { consistencyRanges, inclusionRanges, type LeafRange, nodesOf, rangeHash } from './merkle.js';
import { formatNote, type NoteSigner, type NoteVerifier, parseNote, verifiedSignatures, verifySignature } from './note.js';
import { nodeFromTiles, type TileLookup, tileKey, tilesOfNodes } from './tiles.js';
import {
  checkpointOfSize,
  latestCheckpoint,
  leafIndexOf,
  positionsOf,
  readTiles,
  readTreeHead,
  replaceCheckpointNote,
  saveCheckpoint,
  type StoredCheckpoint,
} from './tree-store.js';

export interface TransparencyLogOptions {
  /** The log itself: proofs carry the event's hash as the leaf's input. */
  store: Pick<EventStore, 'readAll'>;
  /** Where readers read the tree and checkpoints. */
  db: ReadDatabase;
  /** Where checkpoints are written (default `db`), under `writeLock`. */
  writeDb?: ReadDatabase;
  writeLock?: WriteLock;
  signer: NoteSigner;
  /** The checkpoint's first line. */
  origin: string;
  /** Keys whose cosignatures cosign() accepts. */
  witnesses?: readonly NoteVerifier[];
  now?: () => Date;
}

export interface InclusionProofView {
  position: bigint;
  leafIndex: number;
  treeSize: number;
  /** The leaf's input bytes (the event hash). */
  leaf: Buffer;
  hashes: Buffer[];
  checkpoint: StoredCheckpoint;
}

export interface ConsistencyProofView {
  fromSize: number;
  toSize: number;
  hashes: Buffer[];
  checkpoint: StoredCheckpoint;
}

export class TransparencyLog {
  readonly origin: string;
  private readonly store: Pick<EventStore, 'readAll'>;
  private readonly db: ReadDatabase;
  private readonly writeDb: ReadDatabase;
  private readonly writeLock: WriteLock;
  private readonly signer: NoteSigner;
  private readonly witnesses: readonly NoteVerifier[];
  private readonly now: () => Date;

  constructor(options: TransparencyLogOptions) {
    this.store = options.store;
    this.db = options.db;
    this.writeDb = options.writeDb ?? options.db;
    this.writeLock = options.writeLock ?? noWriteLock;
    this.signer = options.signer;
    this.origin = options.origin;
    this.witnesses = options.witnesses ?? [];
    this.now = options.now ?? (() => new Date());
    // A key named other than the origin still signs (C2SP: SHOULD match); config.ts warns about it.
  }

  /** The verifier key (signed-note form) every checkpoint can be checked with. */
  get verifierKey(): string {
    return this.signer.vkey;
  }

  /** The tree as the projection last left it (size 0 before its first batch). */
  async treeHead(): Promise<{ size: number; root: Buffer }> {
    return (await readTreeHead(this.db)) ?? { size: 0, root: EMPTY_ROOT };
  }

  latestCheckpoint(): Promise<StoredCheckpoint | null> {
    return latestCheckpoint(this.db);
  }

  /** The latest checkpoint, signing the first one when none was signed yet. */
  async currentCheckpoint(): Promise<StoredCheckpoint> {
    return (await this.latestCheckpoint()) ?? (await this.signCheckpoint());
  }

  /**
   * Signs the tree as it stands when it grew past the latest checkpoint (or
   * when there is none) and keeps it; returns the latest checkpoint otherwise.
   * Refuses to sign a tree that does not extend the latest checkpoint: a log
   * must never sign two inconsistent views (C2SP tlog-checkpoint).
   */
  async signCheckpoint(): Promise<StoredCheckpoint> {
    const head = await this.treeHead();
    const latest = await this.latestCheckpoint();
    if (latest && head.size <= latest.size) {
      // A committed tree never shrinks (rebuilds swap in whole): smaller means events were removed.
      if (head.size < latest.size || !head.root.equals(latest.root)) throw new TreeDivergedError(latest.size);
      return latest;
    }
    if (latest && latest.size > 0) {
      const proof = await this.consistencyHashes(latest.size, head.size);
      const recomputed = await this.rootAt(latest.size);
      if (!recomputed.equals(latest.root) || proof === null) throw new TreeDivergedError(latest.size);
    }
    return this.keep(head.size, head.root);
  }

  /** Signs the checkpoint of `size` and `root` and keeps it (the first one kept at a size stays). */
  private async keep(size: number, root: Buffer): Promise<StoredCheckpoint> {
    const body = formatCheckpointBody({ origin: this.origin, size, root });
    const checkpoint: StoredCheckpoint = { size, root, note: formatNote({ text: body, signatures: [this.signer.sign(body)] }), signedAt: this.now().toISOString() };
    await inWriteTransaction(this.writeDb, this.writeLock, (trx) => saveCheckpoint(trx, checkpoint));
    return (await checkpointOfSize(this.db, size)) ?? checkpoint;
  }

  /**
   * Signs the tree's first `size` leaves (a prefix of the tree it holds) and
   * keeps it, unless a checkpoint of that size is kept already; for re-signing
   * legacy checkpoints at the points in history they were made (legacy.ts).
   */
  async signAt(size: number): Promise<StoredCheckpoint> {
    const kept = await checkpointOfSize(this.db, size);
    if (kept) return kept;
    const head = await this.treeHead();
    if (size > head.size) throw new NotInLogError(`The tree holds ${head.size} leaves, not ${size}`);
    return this.keep(size, await this.rootAt(size));
  }

  /** The leaf index of the event at `position`, or null when the tree has not taken it. */
  leafIndexOf(position: bigint): Promise<number | null> {
    return leafIndexOf(this.db, position);
  }

  /** The checkpoint of `size`, or the latest when size is undefined; NotInLogError when none was signed at that size. */
  async checkpointOf(size: number | undefined): Promise<StoredCheckpoint> {
    if (size === undefined) return this.currentCheckpoint();
    const checkpoint = await checkpointOfSize(this.db, size);
    if (!checkpoint) throw new NotInLogError(`No checkpoint was signed at tree size ${size}; ask for the latest checkpoint's size, or omit it`);
    return checkpoint;
  }

  /** Inclusion proof of the event at `position` in the checkpoint of `treeSize` (default: the latest). */
  async inclusionProof(position: bigint, treeSize?: number): Promise<InclusionProofView> {
    let checkpoint = await this.checkpointOf(treeSize);
    const leafIndex = await leafIndexOf(this.db, position);
    // In the tree but after the latest checkpoint (signed every few seconds): sign one now.
    if (treeSize === undefined && leafIndex !== null && leafIndex >= checkpoint.size) checkpoint = await this.signCheckpoint();
    if (leafIndex === null || leafIndex >= checkpoint.size) {
      throw new NotInLogError(`The event at position ${position} is not in the tree of size ${checkpoint.size}${leafIndex === null ? '' : ' (it came later)'}`);
    }
    return this.inclusionProofOfLeaf(leafIndex, checkpoint, position);
  }

  private async inclusionProofOfLeaf(leafIndex: number, checkpoint: StoredCheckpoint, position: bigint): Promise<InclusionProofView> {
    const ranges = inclusionRanges(leafIndex, checkpoint.size);
    const leafRange: LeafRange = { start: leafIndex, end: leafIndex + 1 };
    const tiles = await this.tilesFor([...ranges, leafRange]);
    // The tree keeps leaf hashes only: the input is the event's hash, read from
    // the log. An event changed since the tree took it gives a proof that fails.
    const [event] = await this.store.readAll({ after: position - 1n, limit: 1 });
    if (!event || event.position !== position) throw new NotInLogError(`The log holds no event at position ${position}`);
    return {
      position,
      leafIndex,
      treeSize: checkpoint.size,
      leaf: leafInputOf(event.hash),
      hashes: ranges.map((range) => rangeHash(range, (node) => nodeFromTiles(node, tiles))),
      checkpoint,
    };
  }

  /** Consistency proof from the tree of `fromSize` to the checkpoint of `toSize` (default: the latest). */
  async consistencyProof(fromSize: number, toSize?: number): Promise<ConsistencyProofView> {
    const checkpoint = await this.checkpointOf(toSize);
    if (fromSize < 0 || fromSize > checkpoint.size) {
      throw new TransparencyInputError(`fromSize must be between 0 and the checkpoint's tree size ${checkpoint.size}`);
    }
    const hashes = (await this.consistencyHashes(fromSize, checkpoint.size)) ?? [];
    return { fromSize, toSize: checkpoint.size, hashes, checkpoint };
  }

  private async consistencyHashes(from: number, to: number): Promise<Buffer[] | null> {
    const ranges = consistencyRanges(from, to);
    const tiles = await this.tilesFor(ranges);
    return ranges.map((range) => rangeHash(range, (node) => nodeFromTiles(node, tiles)));
  }

  /** The root of the tree's first `size` leaves, from the stored tiles. */
  async rootAt(size: number): Promise<Buffer> {
    if (size === 0) return EMPTY_ROOT;
    const range = { start: 0, end: size };
    const tiles = await this.tilesFor([range]);
    return rangeHash(range, (node) => nodeFromTiles(node, tiles));
  }

  /** Global positions of the leaves [start, end). */
  positions(start: number, end: number): Promise<bigint[]> {
    return positionsOf(this.db, start, end);
  }

  /**
   * A stored tile's bytes, `width` hashes wide (256: full). Null when the tree
   * has no such tile, or it is narrower: partial tiles exist up to the tree's size.
   */
  async tile(level: number, index: number, width: number): Promise<Buffer | null> {
    const [tile] = await readTiles(this.db, [{ level, index }]);
    if (!tile || tile.hashes.length < width * HASH_BYTES) return null;
    // A prefix of a tile is the partial tile of that width (C2SP tlog-tiles).
    return tile.hashes.subarray(0, width * HASH_BYTES);
  }

  /**
   * Adds the cosignatures of `signedNote` by keys in WITNESS_KEYS to the kept
   * checkpoint with the same text. Throws when the note is not one of our
   * checkpoints, carries no valid witness signature, or one does not verify.
   */
  async cosign(signedNote: string): Promise<StoredCheckpoint> {
    const note = parseNote(signedNote);
    const head = parseCheckpointBody(note.text);
    if (head.origin !== this.origin) throw new TransparencyInputError(`The note is a checkpoint of "${head.origin}", not of this log ("${this.origin}")`);
    const kept = await checkpointOfSize(this.db, head.size);
    if (!kept || parseNote(kept.note).text !== note.text) {
      throw new NotInLogError(`This log signed no checkpoint with that text at tree size ${head.size}`);
    }
    const witnessed = verifiedSignatures(note, this.witnesses);
    if (witnessed.length === 0) throw new TransparencyInputError('The note carries no signature by a key in WITNESS_KEYS');
    return inWriteTransaction(this.writeDb, this.writeLock, async (trx) => {
      const current = (await checkpointOfSize(trx, head.size))!;
      const stored = parseNote(current.note);
      for (const { signature, verifier } of witnessed) {
        // One signature per witness key: a newer cosignature replaces the older.
        stored.signatures = stored.signatures.filter((s) => !(s.name === signature.name && s.keyId === signature.keyId));
        if (verifySignature(stored.text, signature, verifier)) stored.signatures.push(signature);
      }
      const text = formatNote(stored);
      await replaceCheckpointNote(trx, head.size, text);
      return { ...current, note: text };
    });
  }

  private async tilesFor(ranges: readonly LeafRange[]): Promise<TileLookup> {
    const rows = await readTiles(this.db, tilesOfNodes(nodesOf(ranges)));
    const byKey = new Map(rows.map((row) => [tileKey(row.level, row.index), row.hashes]));
    return (level, index) => byKey.get(tileKey(level, index));
  }
}

/** The stored tree no longer extends a checkpoint this log signed: history was rewritten, or the tree is damaged. */
export class TreeDivergedError extends Error {
  constructor(readonly size: number) {
    super(`The log's tree no longer extends the checkpoint it signed at tree size ${size}; refusing to sign (rebuild the tree, then run acredita verify --checkpoint)`);
  }
}
