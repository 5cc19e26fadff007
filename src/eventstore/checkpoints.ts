/**
 * Signed checkpoints of the global chain. No chain can show that its newest
 * links were cut off (tail truncation); a checkpoint can: it says "at this time
 * the log reached position P with global hash H", signed with a key derived
 * from MASTER_KEY. Kept in log_checkpoints and, printed as one line, by
 * auditors outside the system, where nobody with database access can remove it.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { InvalidEventStoreInputError } from './errors.js';
import type { EventStore, LogCheckpoint, LogHead } from './types.js';

const KEY_BYTES = 32;
const LINE = /^acredita-checkpoint v1 position=(\d{1,20}) globalHash=([0-9a-f]{64})? signedAt=(\S+) hmac=([0-9a-f]{64})$/;

export class CheckpointSigner {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== KEY_BYTES) throw new Error(`MASTER_KEY must be ${KEY_BYTES} bytes`);
    // Its own key (as the vault derives its own), so a signature reveals nothing about the others.
    this.key = Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita log checkpoint', KEY_BYTES));
  }

  sign(head: LogHead, signedAt: Date = new Date()): LogCheckpoint {
    const unsigned = { position: head.position, globalHash: head.globalHash, signedAt: signedAt.toISOString() };
    return { ...unsigned, signature: this.mac(unsigned) };
  }

  /** True when the checkpoint was signed with this MASTER_KEY and not changed since. */
  isGenuine(checkpoint: LogCheckpoint): boolean {
    const expected = Buffer.from(this.mac(checkpoint), 'hex');
    const given = Buffer.from(checkpoint.signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac({ position, globalHash, signedAt }: Omit<LogCheckpoint, 'signature'>): string {
    return createHmac('sha256', this.key).update(`acredita-checkpoint:v1:${position}:${globalHash}:${signedAt}`).digest('hex');
  }
}

/** Signs the store's current log head and keeps it in log_checkpoints; SQL backends only. */
export async function createCheckpoint(store: EventStore, signer: CheckpointSigner): Promise<LogCheckpoint> {
  if (!store.logHead || !store.saveCheckpoint) {
    throw new InvalidEventStoreInputError(`The ${store.backend} backend keeps no global chain, so it has no checkpoints`);
  }
  const checkpoint = signer.sign(await store.logHead());
  await store.saveCheckpoint(checkpoint);
  return checkpoint;
}

/** One printable line an auditor keeps outside the system. */
export function formatCheckpoint(checkpoint: LogCheckpoint): string {
  return `acredita-checkpoint v1 position=${checkpoint.position} globalHash=${checkpoint.globalHash} signedAt=${checkpoint.signedAt} hmac=${checkpoint.signature}`;
}

/** Reads lines written by formatCheckpoint (blank lines and # comments are skipped); a bad line throws, naming it. */
export function parseCheckpoints(text: string): LogCheckpoint[] {
  const checkpoints: LogCheckpoint[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match || Number.isNaN(Date.parse(match[3]))) {
      throw new InvalidEventStoreInputError(`Line ${index + 1} is not a checkpoint line ("acredita-checkpoint v1 position=… globalHash=… signedAt=… hmac=…")`);
    }
    checkpoints.push({ position: BigInt(match[1]), globalHash: match[2] ?? '', signedAt: match[3], signature: match[4] });
  });
  return checkpoints;
}
