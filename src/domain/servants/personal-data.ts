import type { PersonalData } from './events.js';

/** A servant's personal data as an event carries it, sealed with that servant's key. */
export interface SealedPersonalData {
  servantId: string;
  sealed: string;
}

/**
 * Keeps CURP and full name out of the event log in clear. Each servant has its
 * own data key (kept outside the log, wrapped by MASTER_KEY); erasing the key
 * makes every sealed copy unreadable, forever.
 */
export interface PersonalDataVault {
  /**
   * Creates the servant's key if needed and returns a synchronous sealer bound
   * to it, so a pure decider can seal after validating (deps.seal).
   */
  sealerFor(servantId: string): Promise<(data: PersonalData) => string>;
  /** The data, or null once the servant's key was erased. */
  open(servantId: string, sealed: string): Promise<PersonalData | null>;
  /** `open` for many servants at once, in their order, reading the keys it lacks in one go. */
  openMany(items: readonly SealedPersonalData[]): Promise<Array<PersonalData | null>>;
  /** Destroys the servant's key and frees its CURP (see claimCurp). Idempotent. */
  erase(servantId: string): Promise<void>;
  /**
   * Claims the CURP for the servant, kept next to the data keys and never in
   * the log: erasing the servant deletes the claim with its key, so the CURP is
   * free again and nothing left links it to the erased servant. Returns who
   * holds the claim now: this servant (claimed now or before) or another one.
   */
  claimCurp(curp: string, servantId: string, at: Date): Promise<CurpClaim>;
  /**
   * claimCurp for many CURPs (all different) at once, results in order; null
   * where the servant's personal data was erased (claimCurp refuses that).
   */
  claimCurps(claims: readonly { curp: string; servantId: string }[], at: Date): Promise<Array<CurpClaim | null>>;
  /** Hands the CURP's claim from `holder` to `servantId`, only if `holder` still has it. */
  takeOverCurp(curp: string, holder: string, servantId: string, at: Date): Promise<boolean>;
  /** Keyed hash of a CURP, used for claims and look-ups; never the CURP itself. */
  curpDigest(curp: string): string;
}

export interface CurpClaim {
  servantId: string;
  claimedAt: Date;
}
