/**
 * `acredita export-audit [--stream ID] [--from T] [--to T] [--out FILE]`:
 * the log as JSON Lines for auditors (docs/audit.md), checked on its own by
 * `node docs/verify-export.mjs FILE`.
 */
import { createWriteStream, openSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { writeAuditExport } from '../../eventstore/audit-export.js';
import { InvalidEventStoreInputError } from '../../eventstore/errors.js';
import { validateStreamId } from '../../eventstore/validation.js';
import { progressBar } from './progress.js';
import { CliError, EXIT, type Runtime } from './runtime.js';
import { withEventStore } from './store.js';

export interface ExportAuditOptions {
  stream?: string;
  from?: string;
  to?: string;
  out?: string;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * An ISO-8601 date (a whole UTC day: --from its first, --to its last millisecond)
 * or a date-time with Z or an offset. Anything else is bad usage (exit 2).
 */
export function parseRecordedTime(option: '--from' | '--to', text: string): Date {
  const value = text.trim();
  const valid = DATE_ONLY.test(value) || DATE_TIME.test(value);
  const instant = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00.000Z` : value);
  // Date accepts 2018-02-31 by rolling over; a round trip through the same day refuses it.
  if (!valid || Number.isNaN(instant.getTime()) || (DATE_ONLY.test(value) && instant.toISOString().slice(0, 10) !== value)) {
    throw new CliError(`${option} must be an ISO-8601 date (2018-09-18) or date-time with a zone (2018-09-18T17:00:00Z), got "${text}"`, EXIT.usage);
  }
  return option === '--to' && DATE_ONLY.test(value) ? new Date(instant.getTime() + DAY_MS - 1) : instant;
}

export async function exportAudit(runtime: Runtime, options: ExportAuditOptions): Promise<void> {
  const recordedFrom = options.from === undefined ? undefined : parseRecordedTime('--from', options.from);
  const recordedTo = options.to === undefined ? undefined : parseRecordedTime('--to', options.to);
  if (recordedFrom && recordedTo && recordedFrom > recordedTo) throw new CliError('--from must not be after --to', EXIT.usage);
  if (options.stream !== undefined) {
    try {
      validateStreamId(options.stream);
    } catch (error) {
      if (error instanceof InvalidEventStoreInputError) throw new CliError(`--stream: ${error.message}`, EXIT.usage);
      throw error;
    }
  }

  await withEventStore(runtime, async (store) => {
    const out = options.out === undefined ? process.stdout : createWriteStream('', { fd: openOutput(options.out) });
    const bar = progressBar('Exporting', 'events');
    const total = Number(await store.headPosition());
    try {
      const { header, events } = await writeAuditExport(
        store,
        { streamId: options.stream, recordedFrom, recordedTo, onProgress: (written) => bar.update(written, total) },
        out,
      );
      bar.stop();
      if (out !== process.stdout) {
        out.end();
        await finished(out);
      }
      const scope = header.complete ? 'the complete log' : 'a partial export';
      process.stderr.write(
        `Exported ${events.toLocaleString('en')} events (${scope}, up to position ${header.headPosition})${options.out ? ` to ${options.out}` : ''}. Check it with: node docs/verify-export.mjs FILE\n`,
      );
    } catch (error) {
      bar.stop();
      if (out !== process.stdout) out.destroy();
      throw error;
    }
  });
}

function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`);
  }
}
