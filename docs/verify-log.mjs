#!/usr/bin/env node
// Checks Acredita's transparency log on its own, with nothing but Node (18 or
// later) and none of Acredita's code: a checkpoint's signature, an inclusion
// proof, a consistency proof, and an audit export against a checkpoint.
//
//   node docs/verify-log.mjs checkpoint CHECKPOINT.txt --key VKEY [--witness VKEY]...
//   node docs/verify-log.mjs inclusion PROOF.json --key VKEY
//   node docs/verify-log.mjs consistency PROOF.json --old OLD-CHECKPOINT.txt --key VKEY
//   node docs/verify-log.mjs export EXPORT.jsonl CHECKPOINT.txt --key VKEY
//
// VKEY is the log's verifier key (GET /log/key, `acredita checkpoint --key`),
// <name>+<8 hex digits>+<base64(0x01 || Ed25519 public key)> (C2SP signed-note).
// PROOF.json is the JSON of a GraphQL inclusionProof or consistencyProof answer
// (its checkpoint's signedNote included). A checkpoint file is the text of
// GET /log/checkpoint. Hashing: RFC 6962 (SHA-256; leaf = H(0x00 || input),
// node = H(0x01 || left || right)); a leaf's input is the event's hash as 32
// bytes (docs/audit.md). Proofs are checked with RFC 9162's algorithms
// (sections 2.1.3.2 and 2.1.4.2).
// Exit 0: verified. Exit 1: it does not verify (the reason is printed). Exit 2: bad usage.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export class VerifyError extends Error {}

const sha256 = (...parts) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
const leafHashOf = (input) => sha256(Buffer.from([0]), input);
const nodeHashOf = (left, right) => sha256(Buffer.from([1]), left, right);
const fromBase64 = (text, what) => {
  const bytes = Buffer.from(String(text), 'base64');
  if (bytes.toString('base64') !== text) throw new VerifyError(`${what} is not base64`);
  return bytes;
};
const hash32 = (text, what) => {
  const bytes = fromBase64(text, what);
  if (bytes.length !== 32) throw new VerifyError(`${what} is not 32 bytes`);
  return bytes;
};

/** A verifier key: name, key id, type (0x01 Ed25519, 0x04 tlog cosignature), public key. */
export function parseVerifierKey(vkey) {
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(String(vkey).trim());
  if (!match) throw new VerifyError('a verifier key is <name>+<8 hex digits>+<base64 key>');
  const [, name, id, key] = match;
  const bytes = fromBase64(key, 'the verifier key');
  if (bytes.length !== 33 || (bytes[0] !== 0x01 && bytes[0] !== 0x04)) throw new VerifyError('the verifier key is not an Ed25519 key (type 0x01 or 0x04)');
  const keyId = sha256(Buffer.from(`${name}\n`), bytes).subarray(0, 4);
  if (keyId.toString('hex') !== id) throw new VerifyError(`the verifier key's id ${id} does not match its key`);
  const publicKey = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), bytes.subarray(1)]), format: 'der', type: 'spki' });
  return { name, keyId, type: bytes[0], publicKey };
}

/**
 * Checks a signed note's signature by `key` and returns the checkpoint it
 * carries: { origin, size (BigInt), root (Buffer), text }.
 */
export function verifyCheckpoint(noteText, vkey, witnesses = []) {
  const note = String(noteText);
  const split = note.lastIndexOf('\n\n');
  if (!note.endsWith('\n') || split < 0) throw new VerifyError('not a signed note (text, blank line, signature lines)');
  const text = note.slice(0, split + 1);
  const signatures = note.slice(split + 2).slice(0, -1).split('\n').map((line) => {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match) throw new VerifyError(`not a signature line: ${line}`);
    return { name: match[1], bytes: fromBase64(match[2], `the signature by ${match[1]}`) };
  });
  const checks = [parseVerifierKey(vkey), ...witnesses.map(parseVerifierKey)];
  checks.forEach((key, i) => {
    const mine = signatures.filter((s) => s.name === key.name && s.bytes.subarray(0, 4).equals(key.keyId));
    if (mine.length === 0) throw new VerifyError(`the note carries no signature by ${i === 0 ? 'the log key' : 'the witness'} ${key.name}`);
    for (const { bytes } of mine) {
      const ok = key.type === 0x01
        ? bytes.length === 68 && verify(null, Buffer.from(text), key.publicKey, bytes.subarray(4))
        : bytes.length === 76 && verify(null, Buffer.from(`cosignature/v1\ntime ${bytes.readBigUInt64BE(4)}\n${text}`), key.publicKey, bytes.subarray(12));
      if (!ok) throw new VerifyError(`the signature by ${key.name} does not verify: the checkpoint was changed or forged`);
    }
  });
  const lines = text.split('\n');
  if (lines.length < 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) throw new VerifyError('the note is not a checkpoint (origin, tree size, root hash)');
  return { origin: lines[0], size: BigInt(lines[1]), root: hash32(lines[2], 'the root hash'), text };
}

/** RFC 9162 2.1.3.2: the audit path leads from the leaf to the root. */
export function verifyInclusion(leafIndex, treeSize, leafHash, path, root) {
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  if (fn > sn) throw new VerifyError(`leaf ${leafIndex} is not in a tree of ${treeSize} leaves`);
  let r = leafHash;
  for (const p of path) {
    if (sn === 0n) throw new VerifyError('the inclusion proof is too long');
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHashOf(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHashOf(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new VerifyError('the inclusion proof is too short');
  if (!r.equals(root)) throw new VerifyError("the inclusion proof does not lead to the checkpoint's root: the event is not in that tree");
}

/** RFC 9162 2.1.4.2: the tree of size `second` extends the tree of size `first`. */
export function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
  const m = BigInt(first);
  const n = BigInt(second);
  if (m > n) throw new VerifyError(`size ${first} is larger than size ${second}`);
  if (m === n) {
    if (proof.length !== 0 || !firstRoot.equals(secondRoot)) throw new VerifyError(`the trees of size ${first} differ: history was rewritten`);
    return;
  }
  if (m === 0n) {
    if (proof.length !== 0) throw new VerifyError('a proof from the empty tree is empty');
    return;
  }
  if (proof.length === 0) throw new VerifyError('the consistency proof is empty');
  const path = (m & (m - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) throw new VerifyError('the consistency proof is too long');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHashOf(c, fr);
      sr = nodeHashOf(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHashOf(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n || !fr.equals(firstRoot) || !sr.equals(secondRoot)) {
    throw new VerifyError(`the log of size ${second} does not extend the checkpoint of size ${first}: history before size ${first} was rewritten`);
  }
}

/** Checks a GraphQL inclusionProof answer, its checkpoint's signature included; returns the checkpoint. */
export function verifyInclusionAnswer(proof, vkey) {
  const checkpoint = verifyCheckpoint(proof.checkpoint.signedNote, vkey);
  if (BigInt(proof.treeSize) !== checkpoint.size) throw new VerifyError("the proof's tree size is not its checkpoint's");
  const leaf = fromBase64(proof.leaf, 'the leaf');
  verifyInclusion(proof.leafIndex, proof.treeSize, leafHashOf(leaf), proof.hashes.map((h, i) => hash32(h, `hash ${i}`)), checkpoint.root);
  return checkpoint;
}

/** Checks a GraphQL consistencyProof answer from a checkpoint the auditor kept. */
export function verifyConsistencyAnswer(proof, oldNote, vkey) {
  const old = verifyCheckpoint(oldNote, vkey);
  const now = verifyCheckpoint(proof.checkpoint.signedNote, vkey);
  if (old.origin !== now.origin) throw new VerifyError('the two checkpoints are of different logs');
  if (BigInt(proof.fromSize) !== old.size || BigInt(proof.toSize) !== now.size) throw new VerifyError('the proof is not between these two checkpoints');
  verifyConsistency(old.size, now.size, old.root, now.root, proof.hashes.map((h, i) => hash32(h, `hash ${i}`)));
  return { old, now };
}

function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}

/**
 * Recomputes every event's hash and leaf from a complete audit export
 * (docs/audit.md) and the root of its first `size` leaves, held against the
 * checkpoint. Returns the number of events read.
 */
export async function verifyExportAgainst(lines, checkpoint) {
  const stack = []; // perfect subtrees of the leaves so far: { size, hash }, largest first
  let count = 0n;
  let header = null;
  let matched = checkpoint.size === 0n;
  const rootOfStack = () => stack.reduceRight((right, { hash }) => (right === null ? hash : nodeHashOf(hash, right)), null);
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const value = JSON.parse(line);
    if (header === null) {
      if (value?.format !== 'acredita-audit-export' || !value.complete) throw new VerifyError('not a complete Acredita audit export (run export-audit without filters)');
      header = value;
      continue;
    }
    const { streamId, revision, id, type, data, metadata, recordedAt, previousHash } = value;
    const hash = sha256(Buffer.from((previousHash ?? '') + canonicalJson({ streamId, revision, id, type, data, metadata, recordedAt }))).toString('hex');
    if (hash !== value.hash) throw new VerifyError(`position ${value.position}: the hash does not match the event's content`);
    stack.push({ size: 1n, hash: leafHashOf(Buffer.from(hash, 'hex')) });
    while (stack.length > 1 && stack[stack.length - 1].size === stack[stack.length - 2].size) {
      const right = stack.pop();
      const left = stack.pop();
      stack.push({ size: left.size * 2n, hash: nodeHashOf(left.hash, right.hash) });
    }
    count += 1n;
    if (count === checkpoint.size) {
      if (!rootOfStack().equals(checkpoint.root)) {
        throw new VerifyError(`the first ${checkpoint.size} events of the export do not make the checkpoint's root: the log was rewritten before size ${checkpoint.size}`);
      }
      matched = true;
    }
  }
  if (header === null) throw new VerifyError('the export is empty');
  if (!matched) throw new VerifyError(`the export holds ${count} events, fewer than the checkpoint's ${checkpoint.size}: events were deleted`);
  return count;
}

function option(args, name) {
  const values = [];
  for (let i = 0; i < args.length; i++) if (args[i] === name) values.push(args[++i]);
  return values;
}

async function main(argv) {
  const [command, file, ...rest] = argv;
  const key = option(rest, '--key')[0];
  const usage = 'usage: verify-log.mjs checkpoint|inclusion|consistency|export FILE [...] --key VKEY (see the head of this file)';
  if (!command || !file || !key) return { code: 2, text: usage };
  const read = (path) => readFileSync(path, 'utf8');
  if (command === 'checkpoint') {
    const c = verifyCheckpoint(read(file), key, option(rest, '--witness'));
    return { code: 0, text: `OK: checkpoint of ${c.origin} at tree size ${c.size}, root ${c.root.toString('base64')}, signature verified.` };
  }
  if (command === 'inclusion') {
    const proof = JSON.parse(read(file));
    const c = verifyInclusionAnswer(proof, key);
    return { code: 0, text: `OK: the event at position ${proof.position} is leaf ${proof.leafIndex} of the tree of size ${c.size} signed by ${c.origin}.` };
  }
  if (command === 'consistency') {
    const old = option(rest, '--old')[0];
    if (!old) return { code: 2, text: usage };
    const { old: from, now } = verifyConsistencyAnswer(JSON.parse(read(file)), read(old), key);
    return { code: 0, text: `OK: the log at size ${now.size} extends your checkpoint of size ${from.size}.` };
  }
  if (command === 'export') {
    const checkpointFile = rest[0];
    if (!checkpointFile || checkpointFile.startsWith('--')) return { code: 2, text: usage };
    const checkpoint = verifyCheckpoint(read(checkpointFile), key);
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    const count = await verifyExportAgainst(lines, checkpoint);
    return { code: 0, text: `OK: ${count} events re-hashed; the first ${checkpoint.size} make the signed root of ${checkpoint.origin}.` };
  }
  return { code: 2, text: usage };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    ({ code, text }) => {
      (code === 0 ? console.log : console.error)(code === 2 ? `verify-log: ${text}` : text);
      process.exit(code);
    },
    (error) => {
      if (error instanceof VerifyError) {
        console.error(`FAILED: ${error.message}`);
        process.exit(1);
      }
      console.error(`verify-log: ${error.message}`);
      process.exit(2);
    },
  );
}
