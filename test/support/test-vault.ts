/**
 * A TEST vault: the real EnvelopeVault (AES-256-GCM, per-servant keys) over an
 * in-memory key map, so projection specs exercise real sealing and erasure
 * without the SQL key stores.
 */
import { randomBytes } from 'node:crypto';
import type { PersonalDataVault } from '../../src/domain/servants/personal-data.js';
import type { DataKeyStore } from '../../src/privacy/data-key-store.js';
import { EnvelopeVault } from '../../src/privacy/vault.js';

class InMemoryDataKeyStore implements DataKeyStore {
  private readonly keys = new Map<string, Buffer>();
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
  }
}

export function createTestVault(): PersonalDataVault {
  return new EnvelopeVault(randomBytes(32), new InMemoryDataKeyStore());
}
