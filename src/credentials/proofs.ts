/**
 * The transparency log's proof that a certificate's issuance event is in the
 * log, as the public page shows it. The page depends on this interface only;
 * transparencyLogProofs adapts src/transparency's TransparencyLog to it and
 * checks each proof itself (RFC 9162 section 2.1.3.2), not trusting the log's
 * own arithmetic.
 */
import { createHash } from 'node:crypto';
import { AcreditaError } from '../domain/shared/errors.js';

export interface InclusionProofView {
  /** Global position of the CertificateIssued event. */
  position: string;
  leafIndex: string;
  treeSize: string;
  /** Base64 root hash of the checkpoint the proof leads to. */
  rootHash: string;
  /** The audit path recomputed to that root. */
  verified: boolean;
}

export interface InclusionProofSource {
  /** Null while the log has no checkpoint covering the event. */
  issuanceProof(position: bigint): Promise<InclusionProofView | null>;
}

/** What transparencyLogProofs needs of src/transparency's TransparencyLog. */
export interface InclusionProver {
  inclusionProof(position: bigint): Promise<{ leafIndex: number; treeSize: number; leaf: Buffer; hashes: Buffer[]; checkpoint: { root: Buffer } }>;
}

const sha256 = (...parts: Buffer[]): Buffer => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();

/** RFC 9162 inclusion verification: the path from leaf `index` of a tree of `size` leads to `root`. */
export function inclusionLeadsTo(index: number, size: number, leafInput: Buffer, path: readonly Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = sha256(Buffer.from([0]), leafInput);
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

export function transparencyLogProofs(log: InclusionProver): InclusionProofSource {
  return {
    async issuanceProof(position) {
      let proof: Awaited<ReturnType<InclusionProver['inclusionProof']>>;
      try {
        proof = await log.inclusionProof(position);
      } catch (error) {
        // NOT_FOUND: not in a signed checkpoint yet (the tree catches up after the read models).
        if (error instanceof AcreditaError && error.code === 'NOT_FOUND') return null;
        throw error;
      }
      return {
        position: position.toString(),
        leafIndex: String(proof.leafIndex),
        treeSize: String(proof.treeSize),
        rootHash: proof.checkpoint.root.toString('base64'),
        verified: inclusionLeadsTo(proof.leafIndex, proof.treeSize, proof.leaf, proof.hashes, proof.checkpoint.root),
      };
    },
  };
}
