/**
 * Where wrapped per-servant data keys live: outside the event log, so that
 * deleting one makes that servant's sealed personal data unreadable for good.
 */
export interface DataKeyStore {
  /** Creates the key table if missing. */
  migrate(): Promise<void>;
  /**
   * The wrapped keys of those servants that have one (none was made, or it was
   * erased, for the others), in one read: a projection batch opens many.
   */
  getMany(servantIds: readonly string[]): Promise<Map<string, Buffer>>;
  /** Stores `wrapped` unless a key exists; returns the key that is stored now. */
  putIfAbsent(servantId: string, wrapped: Buffer): Promise<Buffer>;
  /** Deletes the key and remembers that it was erased; idempotent. */
  erase(servantId: string): Promise<void>;
}
