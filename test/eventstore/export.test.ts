/**
 * 100,000 events exported as JSON Lines and re-verified by docs/verify-export.mjs
 * as an auditor would run it: a child process with nothing but the file. One
 * changed byte, a removed line or two swapped lines make it fail at the right line.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAuditExport, type AuditExportResult } from '../../src/eventstore/audit-export.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { NewEvent } from '../../src/eventstore/types.js';
import { temporarySqliteFile, type TemporarySqliteFile } from '../support/sqlite.js';
import { testMetadata } from './support/events.js';

const run = promisify(execFile);
const SCRIPT = 'docs/verify-export.mjs';
const EVENTS = 100_000;
const PER_APPEND = 500;
const STREAMS = 40;

/** Runs the auditor's script; never throws. */
async function verifyExport(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, ...args], { timeout: 60_000, maxBuffer: 1 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('audit export of 100,000 events, re-verified by docs/verify-export.mjs', () => {
  let file: TemporarySqliteFile;
  let store: SqliteEventStore;
  let exportPath: string;
  let result: AuditExportResult;
  let lines: string[];

  beforeAll(async () => {
    file = await temporarySqliteFile();
    store = new SqliteEventStore(file.path);
    // Batched appends straight to the store (not through the domain), spread over streams.
    for (let index = 0; index < EVENTS; index += PER_APPEND) {
      const events: NewEvent[] = Array.from({ length: PER_APPEND }, (_, offset) => ({
        id: randomUUID(),
        type: ['TrainingCompleted', 'VerdictRecorded', 'CertificateIssued', 'CertificateDelivered'][(index + offset) % 4],
        data: { n: index + offset, folio: `UTT-EC0105-2018-${String(index + offset).padStart(6, '0')}`, ceremony: 'Palacio Municipal, Tijuana' },
        metadata: testMetadata({ actor: 'export-test' }),
      }));
      await store.append(`certification-${(index / PER_APPEND) % STREAMS}`, events);
    }
    exportPath = join(file.path, '..', 'export.jsonl');
    const out = createWriteStream(exportPath);
    const started = performance.now();
    result = await writeAuditExport(store, {}, out);
    out.end();
    await finished(out);
    const seconds = (performance.now() - started) / 1000;
    console.info(`export: ${EVENTS} events in ${seconds.toFixed(2)} s (${Math.round(EVENTS / seconds)} events/s)`);
    lines = (await readFile(exportPath, 'utf8')).split('\n');
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await file?.remove();
  });

  it('writes a header and one line per event with the whole envelope, in position order', () => {
    expect(result.events).toBe(EVENTS);
    expect(lines).toHaveLength(EVENTS + 2); // header, events, and the empty string after the last newline
    expect(lines.at(-1)).toBe('');
    const header = JSON.parse(lines[0]);
    expect(header).toMatchObject({ format: 'acredita-audit-export', version: 1, complete: true, backend: 'sqlite', headPosition: String(EVENTS) });
    const first = JSON.parse(lines[1]);
    expect(Object.keys(first)).toEqual(['position', 'streamId', 'revision', 'id', 'type', 'data', 'metadata', 'recordedAt', 'previousHash', 'hash', 'globalHash']);
    expect(first).toMatchObject({ position: '1', streamId: 'certification-0', revision: 0, previousHash: null });
    expect(JSON.parse(lines[EVENTS]).globalHash).toBe(header.headGlobalHash);
  });

  it('passes the independent script, with a legacy checkpoint line an auditor kept (from before the transparency log)', async () => {
    // verify-export checks only position and global hash of such a line; docs/verify-log.mjs checks signed checkpoints.
    const head = await store.logHead();
    const kept = `acredita-checkpoint v1 position=${head.position} globalHash=${head.globalHash} signedAt=2026-01-01T00:00:00.000Z hmac=${'0'.repeat(64)}`;
    const started = performance.now();
    const outcome = await verifyExport(exportPath, '--checkpoint', kept);
    const seconds = (performance.now() - started) / 1000;
    console.info(`verify-export.mjs: ${EVENTS} events in ${seconds.toFixed(2)} s (${Math.round(EVENTS / seconds)} events/s, process start included)`);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(new RegExp(`^OK: ${EVENTS} events in ${STREAMS} streams, every hash recomputed; complete log up to position ${EVENTS}, global chain intact .*; checkpoint matches\\.\\n$`));
  });

  it('fails at the line where one byte was changed', async () => {
    const text = await readFile(exportPath, 'utf8');
    const line = 61_234; // 1-based line in the file: the event at position 61,233
    const start = text.split('\n', line - 1).join('\n').length + 1;
    const at = text.indexOf('"n":', start) + 4;
    const changed = `${text.slice(0, at)}${text[at] === '9' ? '8' : '9'}${text.slice(at + 1)}`;
    expect(changed).toHaveLength(text.length);
    const tampered = join(file.path, '..', 'one-byte.jsonl');
    await writeFile(tampered, changed);
    const outcome = await verifyExport(tampered);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/^FAILED at line 61234: certification-\d+ revision \d+: the hash does not match the content: the event was changed\n$/);
  });

  it('fails where a line was removed or two lines were swapped', async () => {
    const removed = join(file.path, '..', 'removed.jsonl');
    await writeFile(removed, [...lines.slice(0, 70_000), ...lines.slice(70_001)].join('\n'));
    const afterRemoval = await verifyExport(removed);
    expect(afterRemoval.code).toBe(1);
    expect(afterRemoval.stderr).toMatch(/^FAILED at line 70001: position 70001: the global chain breaks here/);

    const swapped = join(file.path, '..', 'swapped.jsonl');
    await writeFile(swapped, [...lines.slice(0, 500), lines[501], lines[500], ...lines.slice(502)].join('\n'));
    const afterSwap = await verifyExport(swapped);
    expect(afterSwap.code).toBe(1);
    expect(afterSwap.stderr).toBe(
      'FAILED at line 501: position 501: the global chain breaks here: an event before it is missing, or events were reordered\n',
    );
  });

  it('fails at the end when the last events were cut off, and on bad usage exits 2', async () => {
    const cut = join(file.path, '..', 'cut.jsonl');
    await writeFile(cut, `${lines.slice(0, EVENTS - 9).join('\n')}\n`);
    const outcome = await verifyExport(cut);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe(
      `FAILED at the end of the file (after line ${EVENTS - 9}): the export ends at position ${EVENTS - 10}, but line 1 says the log reached position ${EVENTS}: events at the end are missing\n`,
    );
    expect((await verifyExport()).code).toBe(2);
    expect((await verifyExport(exportPath, '--checkpoint', 'nonsense')).code).toBe(2);
  });
});
