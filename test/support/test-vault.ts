/**
 * A TEST vault: the real EnvelopeVault (AES-256-GCM, per-servant keys) over an
 * in-memory key map, so projection specs exercise real sealing and erasure
 * without the SQL key stores.
 */
import { randomBytes } from 'node:crypto';
import type { CurpClaim, PersonalDataVault } from '../../src/domain/servants/personal-data.js';
import type { CurpClaimRequest, DataKeyStore, LegacyClaimBatch } from '../../src/privacy/data-key-store.js';
import { EnvelopeVault } from '../../src/privacy/vault.js';

class InMemoryDataKeyStore implements DataKeyStore {
  private readonly keys = new Map<string, Buffer>();
  private readonly claims = new Map<string, CurpClaim>();
  private imported: { position: bigint; done: boolean } | null = null;
  async migrate(): Promise<void> {}
  async getMany(servantIds: readonly string[]): Promise<Map<string, Buffer>> {
    return new Map(servantIds.flatMap((id) => (this.keys.has(id) ? [[id, this.keys.get(id)!] as const] : [])));
  }
  async putIfAbsent(servantId: string, wrapped: Buffer): Promise<Buffer> {
    if (!this.keys.has(servantId)) this.keys.set(servantId, wrapped);
    return this.keys.get(servantId)!;
  }
  async erase(servantId: string): Promise<void> {
    this.keys.delete(servantId);
    this.releaseClaims(servantId);
  }
  private releaseClaims(servantId: string): void {
    for (const [digest, claim] of this.claims) if (claim.servantId === servantId) this.claims.delete(digest);
  }
  async claimCurp(digest: string, servantId: string, claimedAt: Date, wrapped: Buffer): Promise<CurpClaim & { wrappedKey: Buffer | null }> {
    if (!this.claims.has(digest)) this.claims.set(digest, { servantId, claimedAt });
    const holder = this.claims.get(digest)!;
    return { ...holder, wrappedKey: holder.servantId === servantId ? await this.putIfAbsent(servantId, wrapped) : null };
  }
  async claimCurps(claims: readonly CurpClaimRequest[], claimedAt: Date): Promise<Array<CurpClaim & { wrappedKey: Buffer | null }>> {
    const holders = [];
    for (const { curpDigest, servantId, wrapped } of claims) holders.push(await this.claimCurp(curpDigest, servantId, claimedAt, wrapped));
    return holders;
  }
  async takeOverCurp(digest: string, holder: string, servantId: string, claimedAt: Date): Promise<boolean> {
    if (this.claims.get(digest)?.servantId !== holder) return false;
    this.claims.set(digest, { servantId, claimedAt });
    return true;
  }
  async importLegacyClaims(batch: LegacyClaimBatch): Promise<void> {
    for (const { curpDigest, ...claim } of batch.claims) this.claims.set(curpDigest, claim);
    for (const servantId of batch.erased) this.releaseClaims(servantId);
    this.imported = { position: batch.position, done: batch.done };
  }
  async legacyImportProgress() {
    return this.imported;
  }
}

export function createTestVault(): PersonalDataVault {
  return new EnvelopeVault(randomBytes(32), new InMemoryDataKeyStore());
}
