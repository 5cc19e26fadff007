/**
 * The transparency log on real stores (a SQLite file, a PostgreSQL schema):
 * the tree kept by the projection runner, checkpoints signed with a real key,
 * proofs checked by docs/verify-log.mjs (written apart from the code that
 * makes them), and history rewritten directly in the database, with every
 * chain recomputed, the tree rebuilt and a checkpoint re-signed with the real
 * key: the check from a checkpoint saved before fails, naming its size.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyCheckpoint, verifyConsistencyAnswer, verifyExportAgainst, VerifyError, verifyInclusionAnswer } from '../../docs/verify-log.mjs';
import { exportLine } from '../../src/eventstore/audit-export.js';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import type { SqlDialect } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { checkLogExtends, readSavedCheckpoints, splitNotes } from '../../src/transparency/audit.js';
import { leafHash } from '../../src/transparency/hashing.js';
import { type InclusionProofView, TransparencyLog, TreeDivergedError } from '../../src/transparency/log.js';
import { formatNote, generateSignerKey, parseNote, parseSignerKey, parseVerifierKey } from '../../src/transparency/note.js';
import { createTransparencyProjection } from '../../src/transparency/projection.js';
import { type Backend, openBackend, postgresAvailable } from '../projections/fixtures/backends.js';
import { allEvents, appendEvents, projectTree, readStoreSql, rewriteHistory } from './support/history.js';

const ORIGIN = 'acredita.test/log';
const backends: [SqlDialect, boolean][] = [
  ['sqlite', true],
  ['postgres', await postgresAvailable()],
];

/** The proof as the GraphQL API shapes it (src/graphql/transparency), what an auditor saves. */
function asAnswer(proof: InclusionProofView) {
  return {
    position: proof.position.toString(),
    leafIndex: String(proof.leafIndex),
    treeSize: String(proof.treeSize),
    leaf: proof.leaf.toString('base64'),
    hashes: proof.hashes.map((h) => h.toString('base64')),
    checkpoint: { signedNote: proof.checkpoint.note },
  };
}

describe.each(backends)('transparency log on %s', (dialect, available) => {
  let backend: Backend | undefined;
  const signer = parseSignerKey(generateSignerKey(ORIGIN));
  const logKey = parseVerifierKey(signer.vkey);
  const openLog = (b: Backend) => new TransparencyLog({ store: b.store, db: b.read.db, writeLock: b.writeLock, signer, origin: ORIGIN });

  afterEach(async () => {
    await backend?.close();
    backend = undefined;
  });

  it.skipIf(!available)('proofs the separate verifier accepts; tiles as served; an export recomputes the signed root', async () => {
    backend = await openBackend(dialect);
    await appendEvents(backend, 300);
    await projectTree(backend);
    const log = openLog(backend);
    const first = await log.signCheckpoint();
    expect(first.size).toBe(300);
    expect(first.note).toMatch(new RegExp(`^${ORIGIN}\\n300\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ${ORIGIN} \\S+\\n$`));

    const events = await allEvents(backend);
    for (const index of [0, 1, 150, 255, 256, 299]) {
      const proof = await log.inclusionProof(events[index].position);
      expect(proof.leafIndex).toBe(index);
      expect(verifyInclusionAnswer(asAnswer(proof), signer.vkey).size).toBe(300n);
      // The same proof with another event's hash as the leaf does not verify.
      expect(() => verifyInclusionAnswer({ ...asAnswer(proof), leaf: Buffer.from(events[index + (index === 299 ? -1 : 1)].hash, 'hex').toString('base64') }, signer.vkey)).toThrow(VerifyError);
    }
    await expect(log.inclusionProof(10_000n)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await appendEvents(backend, 250, 'later');
    await projectTree(backend);
    const second = await log.signCheckpoint();
    expect(second.size).toBe(550);
    const proof = await log.consistencyProof(300);
    const answer = { fromSize: '300', toSize: '550', hashes: proof.hashes.map((h) => h.toString('base64')), checkpoint: { signedNote: proof.checkpoint.note } };
    expect(verifyConsistencyAnswer(answer, first.note, signer.vkey).now.size).toBe(550n);
    // An old proof against the new checkpoint, from another size: refused.
    expect(() => verifyConsistencyAnswer({ ...answer, fromSize: '299' }, first.note, signer.vkey)).toThrow(VerifyError);
    await expect(log.consistencyProof(551)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(log.consistencyProof(3, 123)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const all = await allEvents(backend);
    const tile = (await log.tile(0, 1, 256))!;
    expect(tile).toHaveLength(256 * 32);
    expect(tile.subarray(5 * 32, 6 * 32).equals(leafHash(Buffer.from(all[256 + 5].hash, 'hex')))).toBe(true);
    expect(await log.tile(0, 2, 38)).toHaveLength(38 * 32);
    expect(await log.tile(0, 2, 39)).toBeNull(); // beyond the tree
    expect(await log.tile(1, 0, 2)).toHaveLength(64);

    const exportLines = ['{"format":"acredita-audit-export","version":1,"complete":true}', ...all.map(exportLine)];
    expect(await verifyExportAgainst(exportLines, { size: 300n, root: first.root })).toBe(550n);
    const changed = all.map((event, i) => (i === 10 ? { ...event, data: { ...event.data, n: 999 } } : event));
    await expect(verifyExportAgainst(['{"format":"acredita-audit-export","version":1,"complete":true}', ...changed.map(exportLine)], { size: 300n, root: first.root })).rejects.toThrow(/hash does not match/);

    const report = await checkLogExtends(backend.store, readSavedCheckpoints(splitNotes(`${first.note}\n${second.note}`), logKey, ORIGIN));
    expect(report).toMatchObject({ ok: true, checkpoints: 2, divergentSize: null });
  });

  it.skipIf(!available)('takes cosignatures by WITNESS_KEYS into the kept checkpoint; refuses any other', async () => {
    backend = await openBackend(dialect);
    await appendEvents(backend, 20);
    await projectTree(backend);
    const witness = parseSignerKey(generateSignerKey('witness.example/w1'));
    const stranger = parseSignerKey(generateSignerKey('witness.example/w1'));
    const log = new TransparencyLog({ store: backend.store, db: backend.read.db, writeLock: backend.writeLock, signer, origin: ORIGIN, witnesses: [parseVerifierKey(witness.vkey)] });
    const kept = await log.signCheckpoint();
    const note = parseNote(kept.note);
    const cosigned = formatNote({ text: note.text, signatures: [witness.sign(note.text)] });
    const stored = await log.cosign(cosigned);
    expect(parseNote(stored.note).signatures.map((s) => s.name)).toEqual([ORIGIN, 'witness.example/w1']);
    expect((await log.latestCheckpoint())!.note).toBe(stored.note);
    expect(verifyCheckpoint(stored.note, signer.vkey, [witness.vkey]).size).toBe(20n);
    // Again: still one signature per witness.
    expect(parseNote((await log.cosign(cosigned)).note).signatures).toHaveLength(2);

    await expect(log.cosign(formatNote({ text: note.text, signatures: [stranger.sign(note.text)] }))).rejects.toThrow(/does not verify|no signature by a key in WITNESS_KEYS/);
    const otherText = note.text.replace('\n20\n', '\n19\n');
    await expect(log.cosign(formatNote({ text: otherText, signatures: [witness.sign(otherText)] }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const otherLog = note.text.replace(ORIGIN, 'elsewhere.example/log');
    await expect(log.cosign(formatNote({ text: otherLog, signatures: [witness.sign(otherLog)] }))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  const rewrites: [string, (events: RecordedEvent[]) => RecordedEvent[]][] = [
    ['an event changed', (events) => events.map((e, i) => (i === 120 ? { ...e, data: { ...e.data, n: 'forged' } } : e))],
    ['an event deleted', (events) => events.filter((_, i) => i !== 77)],
    ['two events swapped', (events) => events.map((e, i) => (i === 40 ? events[41] : i === 41 ? events[40] : e))],
    ['the tail truncated', (events) => events.slice(0, 290)],
  ];

  it.skipIf(!available).each(rewrites)('%s, all recomputed and re-signed with the real key: fails from the saved checkpoint, naming its size', async (_, edit) => {
    backend = await openBackend(dialect);
    await appendEvents(backend, 300);
    await projectTree(backend);
    const log = openLog(backend);
    const saved = await log.signCheckpoint(); // the auditor keeps this one
    await appendEvents(backend, 50, 'more');
    await projectTree(backend);
    await log.signCheckpoint();

    await rewriteHistory(backend, edit);
    expect((await verifyIntegrity(backend.store)).ok).toBe(true); // every hash chain agrees again
    await rebuildProjections({ store: backend.store, db: backend.read.db, dialect, writeLock: backend.writeLock, projections: [createTransparencyProjection()] });
    // The log itself refuses to sign a tree that does not extend what it signed...
    await expect(log.signCheckpoint()).rejects.toBeInstanceOf(TreeDivergedError);
    // ...so whoever rewrote it deletes the kept checkpoints, lets the log go on, and signs afresh with the real key.
    await readStoreSql(backend, 'delete from transparency_checkpoints');
    await appendEvents(backend, 30, 'after');
    await projectTree(backend);
    const resigned = await log.signCheckpoint();
    expect(resigned.size).toBeGreaterThan(300);

    const report = await checkLogExtends(backend.store, readSavedCheckpoints([saved.note], logKey));
    expect(report.ok).toBe(false);
    expect(report.divergentSize).toBe(300);
    expect(report.reason).toMatch(/tree size 300/);

    const proof = await log.consistencyProof(300);
    const answer = { fromSize: '300', toSize: String(proof.toSize), hashes: proof.hashes.map((h) => h.toString('base64')), checkpoint: { signedNote: proof.checkpoint.note } };
    expect(() => verifyConsistencyAnswer(answer, saved.note, signer.vkey)).toThrow(/does not extend the checkpoint of size 300/);
  });
});
