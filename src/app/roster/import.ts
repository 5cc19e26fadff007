/**
 * HR roster import: a UTF-8 CSV streamed in batches of rows into
 * registerServants (src/application/roster-registration.ts), the same
 * decisions as office.registerServant one by one with a batch's round trips.
 * Bad rows are reported by line and skipped; good rows are kept. A row whose
 * CURP is registered already counts as already present, so importing the
 * same file again appends nothing. Command ids owe nothing to the CURP: they
 * are stored in clear in every event, and one derived from it (even keyed)
 * would link an erased servant to the CURP for good.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import { registerServants, type Registration } from '../../application/roster-registration.js';
import type { Office } from '../../application/office.js';
import type { PersonalDataVault } from '../../domain/servants/personal-data.js';
import { BadUserInputError, NotFoundError } from '../../domain/shared/errors.js';
import type { EventStore } from '../../eventstore/types.js';
import { eventStreamsOf } from '../event-streams.js';
import { formulaProblem, parseRow, readHeader, reasonFromError } from './columns.js';

export interface RosterImportDeps {
  office: Office;
  store: EventStore;
  vault: PersonalDataVault;
}

export interface RosterImportProgress {
  /** Data rows handled so far (blank lines not counted). */
  rows: number;
  bytesRead: number;
  totalBytes: number;
}

export interface RosterImportOptions {
  /** Token subject or operator recorded as the actor of every registration. */
  actor: string | null;
  onProgress?: (progress: RosterImportProgress) => void;
}

export interface RejectedRow {
  /** 1-based line of the file where the row starts (the header is line 1). */
  line: number;
  reason: string;
}

export interface RosterImportResult {
  imported: number;
  alreadyPresent: number;
  rejected: RejectedRow[];
}

/** The file as a whole cannot be imported (no header, unknown columns, broken CSV quoting). */
export class RosterFileError extends BadUserInputError {
  constructor(message: string) {
    super(message, 'file');
  }
}

/** Plain-English meaning of csv-parse's syntax errors (its own messages quote field values). */
const TEXT_AFTER_QUOTE = 'a quoted value has text after its closing quote (write a quote inside a quoted value as "")';
const CSV_PROBLEMS: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: TEXT_AFTER_QUOTE,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: TEXT_AFTER_QUOTE,
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed',
  CSV_MAX_RECORD_SIZE: 'the row is longer than 64 KB (usually a quote that is never closed)',
  INVALID_OPENING_QUOTE: 'a double quote appears inside a value that does not start with one (quote the whole value and double the inner quote)',
};
/** Bounds the memory one row may take: an unclosed quote would otherwise swallow the rest of the file. */
const MAX_ROW_BYTES = 64 * 1024;
/**
 * Rows registered together: one claim each at once and one append for all.
 * Measured on 100,000 rows (docs/benchmarks.md): fewer costs round trips,
 * more only holds more rows in memory.
 */
const BATCH_ROWS = 500;

export async function importRoster(
  deps: RosterImportDeps,
  filePath: string,
  options: RosterImportOptions,
): Promise<RosterImportResult> {
  const totalBytes = await fileSize(filePath);
  const correlationId = `roster-import-${randomUUID()}`;
  const result: RosterImportResult = { imported: 0, alreadyPresent: 0, rejected: [] };
  const input = createReadStream(filePath);
  const batch = new RowBatch({ office: deps.office, streams: eventStreamsOf(deps.store), vault: deps.vault }, result, options, () => input.bytesRead, totalBytes);
  const parser = input.pipe(
    parse({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: false,
      trim: true,
      skip_records_with_error: true,
      max_record_size: MAX_ROW_BYTES,
      // The row as written, to see the leading tabs and carriage returns that trim hides (formulaProblem).
      raw: true,
    }),
  );
  // csv-parse goes on after a syntax error but may swallow the rows that follow it,
  // so the import stops at the first one: every row before it is handled.
  const stop: { syntaxError: { afterRecords: number; code: string } | null } = { syntaxError: null };
  parser.on('skip', (error: CsvError & { records?: number }) => {
    stop.syntaxError ??= { afterRecords: Number(error.records ?? 0), code: error.code };
  });

  let header: Map<string, number> | null = null;
  let records = 0;
  let line = 1;
  try {
    for await (const { record: fields, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      if (stop.syntaxError && records >= stop.syntaxError.afterRecords) break;
      records++;
      const start = line;
      // A quoted value may span lines: the next record starts after them.
      line += 1 + fields.reduce((n, field) => n + countNewlines(field), 0);
      if (fields.every((field) => field === '')) continue;
      if (!header) {
        header = headerOrThrow(fields, start);
        continue;
      }
      await batch.add({ fields, raw }, header, start, correlationId);
    }
    await batch.flush();
  } finally {
    input.destroy();
  }
  const { syntaxError } = stop;
  if (syntaxError) {
    throw new RosterFileError(
      `Line ${line} is not valid CSV: ${CSV_PROBLEMS[syntaxError.code] ?? `the CSV reader refused it (${syntaxError.code})`}. ` +
        `The import stopped there after ${result.imported} imported, ${result.alreadyPresent} already present and ` +
        `${result.rejected.length} rejected rows; fix the file and import it again (rows already imported are skipped).`,
    );
  }
  if (!header) throw new RosterFileError('The file is empty: it needs a header row naming the columns');
  return result;
}

/** A row as the batch holds it: refused already, or a registration still to make. */
type PendingRow = { kind: 'refused'; line: number; reason: string } | { kind: 'registration'; line: number; curp: string; registration: Registration };

/**
 * Rows waiting to be registered together, in file order: their outcomes,
 * rejections and progress calls are counted in that order when the batch is
 * registered. Remembers the CURP of every row registered or already present,
 * to spot duplicates within the file.
 */
class RowBatch {
  private rows: PendingRow[] = [];
  private handled = 0;
  /** CURP -> line of the row that registered it (or found it present) in this file. */
  private readonly seen = new Map<string, number>();
  /** CURPs of the registrations in this batch. */
  private readonly pending = new Set<string>();

  constructor(
    private readonly deps: Parameters<typeof registerServants>[0],
    private readonly result: RosterImportResult,
    private readonly options: RosterImportOptions,
    private readonly bytesRead: () => number,
    private readonly totalBytes: number,
  ) {}

  async add({ fields, raw }: { fields: string[]; raw: string }, header: Map<string, number>, line: number, correlationId: string): Promise<void> {
    const parsed = parseRow(fields, header);
    const formula = parsed.ok ? formulaProblem(fields, raw, header) : null;
    if (!parsed.ok || formula) return this.hold({ kind: 'refused', line, reason: parsed.ok ? formula! : parsed.reason });
    const { command, registeredAt } = parsed.row;
    // Whether this is a duplicate depends on how the earlier row with its CURP ends: register that one first.
    if (this.pending.has(command.curp)) await this.flush();
    const firstLine = this.seen.get(command.curp);
    if (firstLine !== undefined) return this.hold({ kind: 'refused', line, reason: `duplicate CURP: the same CURP is on line ${firstLine}` });
    const now = new Date();
    const context = { occurredAt: registeredAt ?? now, now, actor: this.options.actor, commandId: `${correlationId}-line-${line}`, correlationId };
    this.pending.add(command.curp);
    return this.hold({ kind: 'registration', line, curp: command.curp, registration: { command, context } });
  }

  private async hold(row: PendingRow): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= BATCH_ROWS) await this.flush();
  }

  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    this.pending.clear();
    const outcomes = await registerServants(
      this.deps,
      rows.flatMap((row) => (row.kind === 'registration' ? [row.registration] : [])),
    );
    let next = 0;
    for (const row of rows) {
      if (row.kind === 'refused') {
        this.result.rejected.push({ line: row.line, reason: row.reason });
      } else {
        const outcome = outcomes[next++];
        if (outcome.kind === 'refused') {
          this.result.rejected.push({ line: row.line, reason: reasonFromError(outcome.error) });
        } else {
          this.seen.set(row.curp, row.line);
          if (outcome.kind === 'registered') this.result.imported++;
          else this.result.alreadyPresent++;
        }
      }
      this.options.onProgress?.({ rows: ++this.handled, bytesRead: this.bytesRead(), totalBytes: this.totalBytes });
    }
  }
}

function headerOrThrow(fields: string[], line: number): Map<string, number> {
  const { index, problems } = readHeader(fields);
  if (problems.length > 0) throw new RosterFileError(`The header row (line ${line}) is not usable: ${problems.join('; ')}`);
  return index;
}

async function fileSize(filePath: string): Promise<number> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new RosterFileError(`${filePath} is not a file`);
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`Roster file ${filePath} does not exist`);
    throw error;
  }
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
