import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import type { PersonalData } from '../domain/servants/events.js';
import type { CurpClaim, PersonalDataVault, SealedPersonalData } from '../domain/servants/personal-data.js';
import type { DataKeyStore } from './data-key-store.js';
import { RandomPool } from './random-pool.js';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const SEALED_PREFIX = 'v1';
const random = new RandomPool();

/** AES-256-GCM; `aad` binds a ciphertext to its servant so it cannot be moved to another. */
export function encrypt(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = random.take(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [SEALED_PREFIX, iv, body, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export function decrypt(key: Buffer, sealed: string, aad: string): Buffer {
  const [prefix, iv, body, tag] = sealed.split('.');
  if (prefix !== SEALED_PREFIX || !iv || !body || !tag) throw new Error('sealed value has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
    .setAAD(Buffer.from(aad))
    .setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}

/**
 * Envelope encryption: each servant's CURP and name are sealed with that
 * servant's data key; data keys are stored wrapped by MASTER_KEY.
 */
export class EnvelopeVault implements PersonalDataVault {
  private readonly wrappingKey: Buffer;
  private readonly digestKey: Buffer;
  /** Unwrapped keys of servants seen recently; erase() drops the entry. */
  private readonly keyCache = new Map<string, Buffer>();

  constructor(
    masterKey: Buffer,
    private readonly keys: DataKeyStore,
    private readonly cacheSize = 10_000,
  ) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`MASTER_KEY must be ${KEY_BYTES} bytes`);
    // Separate keys per purpose, so a digest never reveals anything about wrapping.
    this.wrappingKey = Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita data-key wrapping', KEY_BYTES));
    this.digestKey = Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita curp digest', KEY_BYTES));
  }

  async sealerFor(servantId: string): Promise<(data: PersonalData) => string> {
    // Only a registration seals, so the key is almost always new: store one straight away (no read first).
    const key = this.keyCache.get(servantId) ?? (await this.createDataKey(servantId));
    return (data) => encrypt(key, Buffer.from(JSON.stringify({ curp: data.curp, fullName: data.fullName })), servantId);
  }

  async open(servantId: string, sealed: string): Promise<PersonalData | null> {
    const [data] = await this.openMany([{ servantId, sealed }]);
    return data;
  }

  async openMany(items: readonly SealedPersonalData[]): Promise<Array<PersonalData | null>> {
    const keys = await this.dataKeys(items.map((item) => item.servantId));
    return items.map(({ servantId, sealed }) => {
      const key = keys.get(servantId);
      if (!key) return null;
      const parsed = JSON.parse(decrypt(key, sealed, servantId).toString('utf8')) as PersonalData;
      return { curp: parsed.curp, fullName: parsed.fullName };
    });
  }

  async erase(servantId: string): Promise<void> {
    this.keyCache.delete(servantId);
    await this.keys.erase(servantId);
  }

  /** Claims with a new data key at hand: a won claim stores it in the same round trip, so sealerFor finds it cached. */
  async claimCurp(curp: string, servantId: string, at: Date): Promise<CurpClaim> {
    const fresh = this.newDataKey(servantId);
    const { wrappedKey, ...holder } = await this.keys.claimCurp(this.curpDigest(curp), servantId, at, fresh.wrapped);
    if (wrappedKey) this.keepStored(servantId, fresh, wrappedKey);
    return holder;
  }

  /** claimCurp's one round trip for all of them. */
  async claimCurps(claims: readonly { curp: string; servantId: string }[], at: Date): Promise<Array<CurpClaim | null>> {
    const fresh = claims.map(({ servantId }) => this.newDataKey(servantId));
    const holders = await this.keys.claimCurps(
      claims.map(({ curp, servantId }, k) => ({ curpDigest: this.curpDigest(curp), servantId, wrapped: fresh[k].wrapped })),
      at,
    );
    return holders.map((found, k) => {
      if (!found) return null;
      const { wrappedKey, ...holder } = found;
      if (wrappedKey) this.keepStored(claims[k].servantId, fresh[k], wrappedKey);
      return holder;
    });
  }

  takeOverCurp(curp: string, holder: string, servantId: string, at: Date): Promise<boolean> {
    return this.keys.takeOverCurp(this.curpDigest(curp), holder, servantId, at);
  }

  curpDigest(curp: string): string {
    return createHmac('sha256', this.digestKey).update(curp.trim().toUpperCase()).digest('hex');
  }

  /** The unwrapped keys of those servants that have one; the ones not cached in one key-store read. */
  private async dataKeys(servantIds: readonly string[]): Promise<Map<string, Buffer>> {
    const found = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const servantId of new Set(servantIds)) {
      const cached = this.keyCache.get(servantId);
      if (cached) found.set(servantId, cached);
      else missing.push(servantId);
    }
    if (missing.length === 0) return found;
    for (const [servantId, wrapped] of await this.keys.getMany(missing)) {
      found.set(servantId, this.remember(servantId, this.unwrap(servantId, wrapped)));
    }
    return found;
  }

  private async createDataKey(servantId: string): Promise<Buffer> {
    const fresh = this.newDataKey(servantId);
    return this.keepStored(servantId, fresh, await this.keys.putIfAbsent(servantId, fresh.wrapped));
  }

  private newDataKey(servantId: string): { key: Buffer; wrapped: Buffer } {
    const key = random.take(KEY_BYTES);
    return { key, wrapped: Buffer.from(encrypt(this.wrappingKey, key, servantId)) };
  }

  /** A concurrent registration may have stored its key first: use whichever won. */
  private keepStored(servantId: string, fresh: { key: Buffer; wrapped: Buffer }, stored: Buffer): Buffer {
    return this.remember(servantId, stored.equals(fresh.wrapped) ? fresh.key : this.unwrap(servantId, stored));
  }

  private unwrap(servantId: string, wrapped: Buffer): Buffer {
    return decrypt(this.wrappingKey, wrapped.toString('utf8'), servantId);
  }

  private remember(servantId: string, key: Buffer): Buffer {
    if (this.keyCache.size >= this.cacheSize) {
      const oldest = this.keyCache.keys().next().value;
      if (oldest !== undefined) this.keyCache.delete(oldest);
    }
    this.keyCache.set(servantId, key);
    return key;
  }
}
