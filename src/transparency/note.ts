/**
 * C2SP signed notes with Ed25519 keys, in the encodings of Go's
 * golang.org/x/mod/sumdb/note, so its tooling reads our keys and verifies our
 * checkpoints (test/transparency/note.test.ts holds Go's own vectors):
 *   signer key   PRIVATE+KEY+<name>+<hex key id>+base64(0x01 || 32-byte seed)
 *   verifier key <name>+<hex key id>+base64(0x01 || 32-byte public key)
 *   key id       SHA-256(name || "\n" || 0x01 || public key)[:4]
 *   signature    "— <name> " base64(key id || Ed25519 signature of the note text)
 * Witnesses may also cosign with C2SP tlog-cosignature/v1 keys (type 0x04),
 * whose signature is key id || u64 timestamp || Ed25519 over
 * "cosignature/v1\ntime <timestamp>\n" followed by the note text.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { TransparencyInputError } from './errors.js';

export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
const NAME = /^[^\s+\u0000-\u001f]+$/u;
const MAX_SIGNATURES = 32;

export interface Signature {
  name: string;
  keyId: number;
  /** The base64 text after the name. */
  base64: string;
}

export interface Note {
  /** The note text, ending in a newline. */
  text: string;
  signatures: Signature[];
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  type: number;
  publicKey: Buffer;
  /** The verifier key text. */
  vkey: string;
}

export interface NoteSigner {
  name: string;
  keyId: number;
  /** The verifier key text others check our notes with. */
  vkey: string;
  sign(text: string): Signature;
}

export function keyIdOf(name: string, type: number, publicKey: Buffer): number {
  return createHash('sha256').update(name).update('\n').update(Buffer.from([type])).update(publicKey).digest().readUInt32BE(0);
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

export function verifierKeyText(name: string, type: number, publicKey: Buffer): string {
  return `${name}+${hex8(keyIdOf(name, type, publicKey))}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) throw new TransparencyInputError(`${what}: the key name "${name}" is empty or holds spaces or '+'`);
}

function strictBase64(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new TransparencyInputError(`${what}: not canonical base64`);
  return bytes;
}

/** Reads a verifier key (`name+hex id+base64(type || key)`), Ed25519 (0x01) or cosignature/v1 (0x04). */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const text = vkey.trim();
  // base64 may hold '+' itself: the name and id end at the first two.
  const match = /^([^+]*)\+([0-9a-f]{8})\+(.+)$/s.exec(text);
  if (!match) throw new TransparencyInputError('A verifier key is <name>+<8 hex digits>+<base64 key>');
  const [, name, idHex, keyText] = match;
  checkName(name, 'Verifier key');
  const key = strictBase64(keyText, 'Verifier key');
  const type = key[0];
  if ((type !== ED25519 && type !== COSIGNATURE_V1) || key.length !== 33) {
    throw new TransparencyInputError('Verifier key: only Ed25519 keys (type 0x01, or 0x04 for tlog cosignatures) of 32 bytes are accepted');
  }
  const publicKey = key.subarray(1);
  const keyId = keyIdOf(name, type, publicKey);
  if (hex8(keyId) !== idHex) throw new TransparencyInputError(`Verifier key ${name}: the key id ${idHex} does not match the key`);
  return { name, keyId, type, publicKey: Buffer.from(publicKey), vkey: text };
}

function privateKeyOf(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyOf(key: KeyObject): Buffer {
  return Buffer.from(createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length));
}

function publicKeyObject(publicKey: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
}

/** Reads a signer key in Go's form (PRIVATE+KEY+name+hex id+base64(0x01 || seed)). */
export function parseSignerKey(skey: string): NoteSigner {
  const match = /^PRIVATE\+KEY\+([^+]*)\+([0-9a-f]{8})\+(.+)$/s.exec(skey.trim());
  if (!match) throw new TransparencyInputError('A signer key is PRIVATE+KEY+<name>+<8 hex digits>+<base64 seed>');
  const [, name, idHex, keyText] = match;
  checkName(name, 'Signer key');
  const key = strictBase64(keyText, 'Signer key');
  if (key[0] !== ED25519 || key.length !== 33) throw new TransparencyInputError('Signer key: only Ed25519 seeds (type 0x01, 32 bytes) are accepted');
  const privateKey = privateKeyOf(key.subarray(1));
  const publicKey = publicKeyOf(privateKey);
  const keyId = keyIdOf(name, ED25519, publicKey);
  if (hex8(keyId) !== idHex) throw new TransparencyInputError(`Signer key ${name}: the key id ${idHex} does not match the key`);
  const idBytes = Buffer.alloc(4);
  idBytes.writeUInt32BE(keyId);
  return {
    name,
    keyId,
    vkey: verifierKeyText(name, ED25519, publicKey),
    sign: (text) => ({ name, keyId, base64: Buffer.concat([idBytes, sign(null, Buffer.from(text, 'utf8'), privateKey)]).toString('base64') }),
  };
}

/** A new signer key for `name`, in Go's text form. */
export function generateSignerKey(name: string): string {
  checkName(name, 'Signer key');
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519.length);
  const keyId = keyIdOf(name, ED25519, publicKeyOf(privateKey));
  return `PRIVATE+KEY+${name}+${hex8(keyId)}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64')}`;
}

/** Text plus signature lines. */
export function formatNote(note: Note): string {
  return `${note.text}\n${note.signatures.map((s) => `\u2014 ${s.name} ${s.base64}\n`).join('')}`;
}

/** Splits a signed note; throws TransparencyInputError (naming what is wrong) on a malformed one. */
export function parseNote(message: string): Note {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(message)) throw new TransparencyInputError('A signed note holds no control characters but newlines');
  if (!message.endsWith('\n')) throw new TransparencyInputError('A signed note ends with a newline');
  // The text is separated from the signatures by the last blank line.
  const split = message.lastIndexOf('\n\n');
  if (split < 0) throw new TransparencyInputError('A signed note has a blank line before its signatures');
  const text = message.slice(0, split + 1);
  const lines = message.slice(split + 2).split('\n').slice(0, -1);
  if (lines.length === 0) throw new TransparencyInputError('A signed note carries at least one signature');
  if (lines.length > MAX_SIGNATURES) throw new TransparencyInputError(`A signed note carries at most ${MAX_SIGNATURES} signatures here`);
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match) throw new TransparencyInputError(`Not a signature line: "${line.slice(0, 80)}"`);
    const [, name, base64] = match;
    checkName(name, 'Signature');
    const bytes = strictBase64(base64, `Signature by ${name}`);
    if (bytes.length < 5) throw new TransparencyInputError(`Signature by ${name}: too short`);
    return { name, keyId: bytes.readUInt32BE(0), base64 };
  });
  return { text, signatures };
}

/** Whether `signature` is a valid signature of `text` by `verifier` (false for another key's). */
export function verifySignature(text: string, signature: Signature, verifier: NoteVerifier): boolean {
  if (signature.name !== verifier.name || signature.keyId !== verifier.keyId) return false;
  const bytes = Buffer.from(signature.base64, 'base64');
  const key = publicKeyObject(verifier.publicKey);
  if (verifier.type === ED25519) return bytes.length === 68 && verify(null, Buffer.from(text, 'utf8'), key, bytes.subarray(4));
  if (bytes.length !== 76) return false;
  const timestamp = bytes.readBigUInt64BE(4);
  if (timestamp >= 2n ** 63n) return false;
  return verify(null, Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8'), key, bytes.subarray(12));
}

/** The signatures of `note` made by known keys, verified; throws when one of them fails. */
export function verifiedSignatures(note: Note, verifiers: readonly NoteVerifier[]): { signature: Signature; verifier: NoteVerifier }[] {
  const found: { signature: Signature; verifier: NoteVerifier }[] = [];
  for (const signature of note.signatures) {
    const verifier = verifiers.find((v) => v.name === signature.name && v.keyId === signature.keyId);
    if (!verifier) continue; // unknown keys are ignored (signed-note)
    if (!verifySignature(note.text, signature, verifier)) {
      throw new TransparencyInputError(`The signature by ${verifier.name} does not verify: the note was changed or forged`);
    }
    found.push({ signature, verifier });
  }
  return found;
}
