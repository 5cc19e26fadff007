/**
 * `acredita verify [--stream ID] [--checkpoint FILE]`, `acredita checkpoint
 * [--key | --new-key]`: the whole-log check (stream and global chains, head
 * record) and, with --checkpoint, whether the log still extends checkpoints an
 * auditor saved (recomputed from the events, src/transparency/audit.ts); the
 * signed checkpoint of the log's Merkle tree an auditor keeps outside the system.
 */
import { readFile } from 'node:fs/promises';
import { verifyIntegrity, type IntegrityReport } from '../../eventstore/integrity.js';
import type { EventStore } from '../../eventstore/types.js';
import { checkLogExtends, readSavedCheckpoints, splitNotes } from '../../transparency/audit.js';
import type { TreeHead } from '../../transparency/checkpoint.js';
import { TransparencyInputError } from '../../transparency/errors.js';
import { adoptLegacyCheckpoints } from '../../transparency/legacy.js';
import { generateSignerKey, parseSignerKey, parseVerifierKey } from '../../transparency/note.js';
import { progressBar } from './progress.js';
import { CliError, EXIT, type Runtime, withApplication } from './runtime.js';
import { withEventStore } from './store.js';

export interface VerifyOptions {
  stream?: string;
  /** A file of signed checkpoints (GET /log/checkpoint, `acredita checkpoint`) the auditor kept. */
  checkpoint?: string;
}

/** Exit 1 with the first broken link, or with the smallest saved checkpoint the log no longer extends. */
export async function verifyLog(runtime: Runtime, options: VerifyOptions): Promise<void> {
  if (options.checkpoint !== undefined && options.stream !== undefined) throw new CliError('--checkpoint holds the whole log against a checkpoint; it cannot go with --stream', EXIT.usage);
  const saved = options.checkpoint === undefined ? [] : await readCheckpointFile(runtime, options.checkpoint);
  await withEventStore(runtime, async (store) => {
    const total = Number(await store.headPosition());
    const bar = progressBar('Verifying', 'events');
    const report = await verifyIntegrity(store, { streamId: options.stream, onProgress: (checked) => bar.update(checked, total) });
    bar.stop();
    if (!report.ok) throw new CliError(`Integrity check FAILED after ${report.checkedEvents} events: ${where(report)}: ${report.reason}`);
    const chains = store.logHead ? 'every stream chain and the global chain intact' : 'every hash chain intact';
    process.stdout.write(`Integrity check passed: ${report.checkedEvents.toLocaleString('en')} events, ${chains}.\n`);
    if (saved.length > 0) await holdAgainst(store, saved);
  });
}

async function holdAgainst(store: EventStore, saved: TreeHead[]): Promise<void> {
  const bar = progressBar('Recomputing the tree', 'events');
  const largest = Math.max(...saved.map((head) => head.size));
  const report = await checkLogExtends(store, saved, (events) => bar.update(events, largest));
  bar.stop();
  if (!report.ok) throw new CliError(`The log does NOT extend your checkpoint of tree size ${report.divergentSize}: ${report.reason}.`);
  const sizes = saved.map((head) => head.size).sort((a, b) => a - b).join(', ');
  process.stdout.write(`The log extends every checkpoint you kept (tree size ${sizes}): its first events make the same signed roots.\n`);
}

/** `acredita checkpoint`: brings the tree up to the log's head, signs it and prints the signed note. */
export async function checkpoint(runtime: Runtime, options: { key?: boolean; newKey?: boolean }): Promise<void> {
  const { signingKey, logOrigin } = runtime.config.transparency;
  if (options.newKey) {
    const key = generateSignerKey(logOrigin);
    process.stdout.write(`${key}\n`);
    process.stderr.write(`A new SIGNING_KEY for ${logOrigin} (keep it secret; set it in the environment). Its verifier key:\n${parseSignerKey(key).vkey}\n`);
    return;
  }
  if (options.key) {
    process.stdout.write(`${parseSignerKey(signingKey).vkey}\n`);
    return;
  }
  await withApplication(runtime, { project: true }, async (app) => {
    await app.readModel.waitFor(await app.store.headPosition(), 120_000);
    const legacy = await adoptLegacyCheckpoints(app.store, app.transparency, runtime.config.masterKey);
    if (legacy.adopted.length > 0) process.stderr.write(`Re-signed ${legacy.adopted.length} legacy checkpoint(s) as C2SP checkpoints (tree sizes ${legacy.adopted.join(', ')}).\n`);
    for (const reason of legacy.refused) process.stderr.write(`Not re-signed: ${reason}.\n`);
    const signed = await app.transparency.signCheckpoint();
    process.stderr.write(`Checkpoint of tree size ${signed.size}; keep it outside the system and pass it back with acredita verify --checkpoint FILE:\n`);
    process.stdout.write(signed.note);
  });
}

function where(report: IntegrityReport): string {
  if (report.brokenStreamId !== null) return `stream ${report.brokenStreamId}, revision ${report.brokenRevision} (position ${report.brokenPosition})`;
  return `position ${report.brokenPosition}`;
}

/** The file's checkpoints, each signed by this log's key (SIGNING_KEY's verifier key). */
async function readCheckpointFile(runtime: Runtime, path: string): Promise<TreeHead[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--checkpoint: cannot read ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    const { signingKey, logOrigin } = runtime.config.transparency;
    const notes = splitNotes(text);
    if (notes.length === 0) throw new TransparencyInputError('the file holds no checkpoint');
    return readSavedCheckpoints(notes, parseVerifierKey(parseSignerKey(signingKey).vkey), logOrigin);
  } catch (error) {
    if (error instanceof TransparencyInputError) throw new CliError(`--checkpoint ${path}: ${error.message}`, EXIT.usage);
    throw error;
  }
}
