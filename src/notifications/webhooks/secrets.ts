/**
 * Webhook signing secrets at rest: sealed (AES-256-GCM, the vault's format)
 * with a key derived from MASTER_KEY, bound to the endpoint's id. The secret
 * in the clear is shown once, by registerWebhook, and otherwise exists only in
 * the memory of the process that signs with it.
 */
import { hkdfSync } from 'node:crypto';
import { decrypt, encrypt } from '../../privacy/vault.js';

export class WebhookSecrets {
  private readonly key: Buffer;
  private readonly opened = new Map<string, string>();

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita webhook secrets', 32));
  }

  seal(endpointId: string, secret: string): string {
    return encrypt(this.key, Buffer.from(secret, 'utf8'), `webhook:${endpointId}`);
  }

  open(endpointId: string, sealed: string): string {
    const kept = this.opened.get(endpointId);
    if (kept) return kept;
    const secret = decrypt(this.key, sealed, `webhook:${endpointId}`).toString('utf8');
    this.opened.set(endpointId, secret);
    return secret;
  }
}
