/**
 * `acredita verify [--stream ID] [--checkpoints FILE]` and `acredita checkpoint`:
 * the whole-log check (stream and global chains, head record, signed
 * checkpoints) and the signed log head an auditor keeps outside the system.
 */
import { readFile } from 'node:fs/promises';
import { CheckpointSigner, createCheckpoint, formatCheckpoint, parseCheckpoints } from '../../eventstore/checkpoints.js';
import { InvalidEventStoreInputError } from '../../eventstore/errors.js';
import { verifyIntegrity, type IntegrityReport } from '../../eventstore/integrity.js';
import type { EventStore, LogCheckpoint } from '../../eventstore/types.js';
import { progressBar } from './progress.js';
import { CliError, EXIT, type Runtime } from './runtime.js';
import { withEventStore } from './store.js';

export interface VerifyOptions {
  stream?: string;
  /** A file of checkpoint lines the auditor kept. */
  checkpoints?: string;
}

/** Exit 1 with the first broken link; after a whole-log pass, signs, stores and prints a new checkpoint. */
export async function verifyLog(runtime: Runtime, options: VerifyOptions): Promise<void> {
  const kept = options.checkpoints === undefined ? [] : await readCheckpointFile(options.checkpoints);
  const signer = new CheckpointSigner(runtime.config.masterKey);
  await withEventStore(runtime, async (store) => {
    const bar = progressBar('Verifying', 'events');
    const total = Number(await store.headPosition());
    const report = await verifyIntegrity(store, {
      streamId: options.stream,
      signer,
      checkpoints: kept,
      onProgress: (checked) => bar.update(checked, total),
    });
    bar.stop();
    if (!report.ok) throw new CliError(`Integrity check FAILED after ${report.checkedEvents} events: ${where(report)}: ${report.reason}`);
    const chains = store.logHead ? 'every stream chain and the global chain intact' : 'every hash chain intact';
    const held = options.stream === undefined && report.checkedCheckpoints > 0 ? `, held against ${report.checkedCheckpoints} checkpoint(s)` : '';
    process.stdout.write(`Integrity check passed: ${report.checkedEvents.toLocaleString('en')} events, ${chains}${held}.\n`);
    if (options.stream === undefined) await printCheckpoint(store, signer);
  });
}

/** `acredita checkpoint`: signs and stores the current log head, and prints it. */
export async function checkpoint(runtime: Runtime): Promise<void> {
  await withEventStore(runtime, (store) => printCheckpoint(store, new CheckpointSigner(runtime.config.masterKey)));
}

async function printCheckpoint(store: EventStore, signer: CheckpointSigner): Promise<void> {
  if (!store.logHead) {
    process.stdout.write(`The ${store.backend} backend keeps no global chain, so no checkpoint was made (docs/audit.md).\n`);
    return;
  }
  const line = formatCheckpoint(await createCheckpoint(store, signer));
  process.stdout.write(`Checkpoint stored; keep this line outside the system (pass it back with --checkpoints FILE):\n${line}\n`);
}

function where(report: IntegrityReport): string {
  if (report.brokenStreamId !== null) return `stream ${report.brokenStreamId}, revision ${report.brokenRevision} (position ${report.brokenPosition})`;
  return `position ${report.brokenPosition}`;
}

async function readCheckpointFile(path: string): Promise<LogCheckpoint[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--checkpoints: cannot read ${path}: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    return parseCheckpoints(text);
  } catch (error) {
    if (error instanceof InvalidEventStoreInputError) throw new CliError(`--checkpoints ${path}: ${error.message}`, EXIT.usage);
    throw error;
  }
}
