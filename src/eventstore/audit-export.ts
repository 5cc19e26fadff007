/**
 * The audit export: JSON Lines an auditor can check with nothing but Node
 * (docs/verify-export.mjs). Line 1 says what the export holds; every other line
 * is one event with its whole envelope, in position order. Streams page by
 * page with backpressure, never the whole log in memory. Personal data leaves
 * as stored: sealed by the vault, never a CURP or name in clear.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { readAuditLog, validateAuditQuery } from './audit.js';
import { readLogUpTo, waitUntilSettled } from './log-reader.js';
import type { AuditFilter, EventStore, RecordedEvent } from './types.js';

export const EXPORT_FORMAT = 'acredita-audit-export';
const BATCH_SIZE = 1_000;

export interface AuditExportOptions {
  streamId?: string;
  recordedFrom?: Date;
  recordedTo?: Date;
  /** Called after each batch with the number of events written so far. */
  onProgress?: (written: number) => void;
}

/** Line 1 of an export. */
export interface AuditExportHeader {
  format: typeof EXPORT_FORMAT;
  version: 1;
  /** True when no filter was given: every event up to headPosition, so the global chain can be checked end to end. */
  complete: boolean;
  filter: { streamId: string | null; recordedFrom: string | null; recordedTo: string | null };
  backend: string;
  exportedAt: string;
  /** The export covers the log up to this position... */
  headPosition: string;
  /** ...whose global hash is this (null on a backend without the global chain). */
  headGlobalHash: string | null;
}

export interface AuditExportResult {
  header: AuditExportHeader;
  events: number;
}

/** One event line: every envelope field; the position as a decimal string (it may exceed 2^53). */
export function exportLine(event: RecordedEvent): string {
  return JSON.stringify({
    position: event.position.toString(),
    streamId: event.streamId,
    revision: event.revision,
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
    previousHash: event.previousHash,
    hash: event.hash,
    globalHash: event.globalHash ?? null,
  });
}

export async function writeAuditExport(store: EventStore, options: AuditExportOptions, out: Writable): Promise<AuditExportResult> {
  const filter: AuditFilter = validateAuditQuery(
    { streamId: options.streamId, recordedFrom: options.recordedFrom, recordedTo: options.recordedTo },
    { limit: BATCH_SIZE },
  ).filter;
  const complete = Object.keys(filter).length === 0;
  // The head record first: the export then covers exactly the log it names.
  const head = store.logHead ? await store.logHead() : { position: await store.headPosition(), globalHash: null };
  const header: AuditExportHeader = {
    format: EXPORT_FORMAT,
    version: 1,
    complete,
    filter: {
      streamId: filter.streamId ?? null,
      recordedFrom: filter.recordedFrom?.toISOString() ?? null,
      recordedTo: filter.recordedTo?.toISOString() ?? null,
    },
    backend: store.backend,
    exportedAt: new Date().toISOString(),
    headPosition: head.position.toString(),
    headGlobalHash: head.globalHash,
  };
  await write(out, `${JSON.stringify(header)}\n`);

  let events = 0;
  const batches = complete ? readLogUpTo(store, head.position, BATCH_SIZE) : filteredUpTo(store, filter, head.position);
  for await (const batch of batches) {
    await write(out, batch.map((event) => `${exportLine(event)}\n`).join(''));
    events += batch.length;
    options.onProgress?.(events);
  }
  return { header, events };
}

async function* filteredUpTo(store: EventStore, filter: AuditFilter, head: bigint): AsyncGenerator<RecordedEvent[]> {
  await waitUntilSettled(store, head);
  for (let after = 0n; ; ) {
    const page = await readAuditLog(store, filter, { after, limit: BATCH_SIZE });
    const batch = page.filter((event) => event.position <= head);
    if (batch.length > 0) yield batch;
    if (page.length < BATCH_SIZE || batch.length < page.length) return;
    after = page[page.length - 1].position;
  }
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
