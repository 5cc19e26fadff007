/**
 * Signed notes against Go's golang.org/x/mod/sumdb/note test vectors: our
 * encoding of keys, key ids and signatures is Go's, so Go's tooling verifies
 * our checkpoints and we verify its notes.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyCheckpoint, VerifyError } from '../../docs/verify-log.mjs';
import { TransparencyInputError } from '../../src/transparency/errors.js';
import {
  COSIGNATURE_V1,
  formatNote,
  generateSignerKey,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  verifiedSignatures,
  verifierKeyText,
} from '../../src/transparency/note.js';

const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

describe("Go's sumdb/note vectors", () => {
  it('signs exactly as Go does, and names the same verifier key', () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(signer.vkey).toBe(PETER_VKEY);
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(formatNote({ text: TEXT, signatures: [signer.sign(TEXT)] })).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it("verifies Go's note with two signers, and ignores unknown keys", () => {
    const note = parseNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    const verified = verifiedSignatures(note, [parseVerifierKey(PETER_VKEY), parseVerifierKey(ENOCH_VKEY)]);
    expect(verified.map(({ verifier }) => verifier.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(verifiedSignatures(note, [parseVerifierKey(ENOCH_VKEY)])).toHaveLength(1);
  });

  it('refuses a changed text or a changed signature', () => {
    const changed = parseNote(`${TEXT.replace('answer', 'question')}\n${PETER_SIG}`);
    expect(() => verifiedSignatures(changed, [parseVerifierKey(PETER_VKEY)])).toThrow(/does not verify/);
    const forged = parseNote(`${TEXT}\n${PETER_SIG.replace('pRZb6', 'pRZb7')}`);
    expect(() => verifiedSignatures(forged, [parseVerifierKey(PETER_VKEY)])).toThrow(TransparencyInputError);
  });

  it('refuses mangled keys, with a clear error', () => {
    for (const bad of [
      PETER_VKEY.slice(1),
      PETER_VKEY.replace('c74f20a3', 'c74f20a4'),
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
      'nonsense',
    ]) {
      expect(() => parseVerifierKey(bad), bad).toThrow(TransparencyInputError);
    }
    expect(() => parseSignerKey(PETER_SKEY.replace('AYEK', 'AYEL'))).toThrow(TransparencyInputError);
    expect(() => parseSignerKey(PETER_VKEY)).toThrow(/PRIVATE\+KEY/);
  });

  it('refuses malformed notes', () => {
    for (const bad of [TEXT, `${TEXT}\n`, `${TEXT}\n\u2014 PeterNeumann\n`, `${TEXT}\n${PETER_SIG}`.replace('\n\u2014', '\n\u0007\u2014'), `${TEXT}\n${PETER_SIG.trimEnd()}`]) {
      expect(() => parseNote(bad)).toThrow(TransparencyInputError);
    }
  });
});

describe('generated keys and the separate verifier', () => {
  it('a generated key signs checkpoints docs/verify-log.mjs accepts', () => {
    const signer = parseSignerKey(generateSignerKey('acredita.example/log'));
    const body = `acredita.example/log\n3\n${Buffer.alloc(32, 1).toString('base64')}\n`;
    const note = formatNote({ text: body, signatures: [signer.sign(body)] });
    expect(verifyCheckpoint(note, signer.vkey)).toMatchObject({ origin: 'acredita.example/log', size: 3n });
    expect(() => verifyCheckpoint(note.replace('\n3\n', '\n4\n'), signer.vkey)).toThrow(VerifyError);
    expect(() => verifyCheckpoint(note, PETER_VKEY)).toThrow(/no signature by the log key/);
  });

  it('a tlog-cosignature/v1 (type 0x04) witness signature verifies with both verifiers', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
    const vkey = verifierKeyText('witness.example/w1', COSIGNATURE_V1, raw);
    const witness = parseVerifierKey(vkey);
    const body = `acredita.example/log\n3\n${Buffer.alloc(32, 1).toString('base64')}\n`;
    const timestamp = Buffer.alloc(8);
    timestamp.writeBigUInt64BE(1_700_000_000n);
    const id = Buffer.alloc(4);
    id.writeUInt32BE(witness.keyId);
    const signature = sign(null, Buffer.from(`cosignature/v1\ntime 1700000000\n${body}`), privateKey);
    const log = parseSignerKey(generateSignerKey('acredita.example/log'));
    const note = formatNote({ text: body, signatures: [log.sign(body), { name: witness.name, keyId: witness.keyId, base64: Buffer.concat([id, timestamp, signature]).toString('base64') }] });
    expect(verifiedSignatures(parseNote(note), [witness])).toHaveLength(1);
    expect(verifyCheckpoint(note, log.vkey, [vkey]).size).toBe(3n);
    const lying = note.replace(Buffer.concat([id, timestamp]).toString('base64').slice(0, 8), Buffer.concat([id, Buffer.alloc(8, 1)]).toString('base64').slice(0, 8));
    expect(() => verifiedSignatures(parseNote(lying), [witness])).toThrow(TransparencyInputError);
  });
});
