import type { CurpClaim } from '../domain/servants/personal-data.js';

/**
 * Where wrapped per-servant data keys live: outside the event log, so that
 * deleting one makes that servant's sealed personal data unreadable for good.
 * CURP claims live here too, for the same reason: erasing a servant deletes
 * its claim with its key, and nothing left links the CURP to the servant.
 */
export interface DataKeyStore {
  /** Creates the key and claim tables if missing. */
  migrate(): Promise<void>;
  /**
   * The wrapped keys of those servants that have one (none was made, or it was
   * erased, for the others), in one read: a projection batch opens many.
   */
  getMany(servantIds: readonly string[]): Promise<Map<string, Buffer>>;
  /** Stores `wrapped` unless a key exists; returns the key that is stored now. */
  putIfAbsent(servantId: string, wrapped: Buffer): Promise<Buffer>;
  /** Deletes the key and the servant's CURP claim, and remembers that it was erased; idempotent. */
  erase(servantId: string): Promise<void>;
  /**
   * Claims the CURP digest for the servant unless another servant holds it
   * (an erased servant cannot claim); returns who holds it now. When the
   * claim is the servant's, also stores `wrapped` as its key unless it has
   * one, and returns the key stored (a registration's next need, in the same
   * round trip); null otherwise.
   */
  claimCurp(curpDigest: string, servantId: string, at: Date, wrapped: Buffer): Promise<CurpClaim & { wrappedKey: Buffer | null }>;
  /**
   * claimCurp for many CURPs (all different) in one transaction and one round
   * trip, results in order; null where the servant was erased (claimCurp
   * throws PERSONAL_DATA_ERASED there).
   */
  claimCurps(claims: readonly CurpClaimRequest[], at: Date): Promise<Array<(CurpClaim & { wrappedKey: Buffer | null }) | null>>;
  /** Hands the claim from `holder` to `servantId` only if `holder` still has it; false otherwise. */
  takeOverCurp(curpDigest: string, holder: string, servantId: string, at: Date): Promise<boolean>;
  /**
   * Applies the claims read from the log's old CurpClaimed events (in log
   * order) and the erasures read with them, and remembers how far the log was
   * read, all at once: see legacy-curp-claims.ts.
   */
  importLegacyClaims(batch: LegacyClaimBatch): Promise<void>;
  /** How far importLegacyClaims has read the log: null before the first batch; `done` once it reached the end. */
  legacyImportProgress(): Promise<{ position: bigint; done: boolean } | null>;
}

export interface CurpClaimRequest {
  curpDigest: string;
  servantId: string;
  /** The servant's new data key, stored with a won claim unless it has one. */
  wrapped: Buffer;
}

export interface LegacyClaim extends CurpClaim {
  curpDigest: string;
}

export interface LegacyClaimBatch {
  claims: LegacyClaim[];
  /** Servants whose PersonalDataErased was read: their claims are dropped. */
  erased: string[];
  /** The log was read up to here (inclusive). */
  position: bigint;
  /** True for the last batch: the import never runs again. */
  done: boolean;
}
