/**
 * HR roster import: a UTF-8 CSV streamed row by row into office.registerServant.
 * Bad rows are reported by line and skipped; good rows are kept. A row whose
 * CURP is registered already (CONFLICT) counts as already present, so
 * importing the same file again appends nothing. Command ids owe nothing to
 * the CURP: they are stored in clear in every event, and one derived from it
 * (even keyed) would link an erased servant to the CURP for good.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type CsvError } from 'csv-parse';
import type { Office } from '../../domain/office.js';
import { AcreditaError, BadUserInputError, ConflictError, NotFoundError, WrongExpectedVersionError } from '../../domain/shared/errors.js';
import { formulaProblem, parseRow, readHeader, reasonFromError } from './columns.js';

export interface RosterImportDeps {
  office: Office;
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

export async function importRoster(
  deps: RosterImportDeps,
  filePath: string,
  options: RosterImportOptions,
): Promise<RosterImportResult> {
  const totalBytes = await fileSize(filePath);
  const correlationId = `roster-import-${randomUUID()}`;
  const result: RosterImportResult = { imported: 0, alreadyPresent: 0, rejected: [] };
  /** CURP -> line of the row that registered it in this file. */
  const seen = new Map<string, number>();

  const input = createReadStream(filePath);
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
  let rows = 0;
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
      rows++;
      await importRow(deps, { fields, raw }, header, start, { options, correlationId, seen, result });
      options.onProgress?.({ rows, bytesRead: input.bytesRead, totalBytes });
    }
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

interface RowContext {
  options: RosterImportOptions;
  correlationId: string;
  seen: Map<string, number>;
  result: RosterImportResult;
}

async function importRow(
  deps: RosterImportDeps,
  { fields, raw }: { fields: string[]; raw: string },
  header: Map<string, number>,
  line: number,
  { options, correlationId, seen, result }: RowContext,
): Promise<void> {
  const parsed = parseRow(fields, header);
  const formula = parsed.ok ? formulaProblem(fields, raw, header) : null;
  if (!parsed.ok || formula) {
    result.rejected.push({ line, reason: parsed.ok ? formula! : parsed.reason });
    return;
  }
  const { command, registeredAt } = parsed.row;
  const firstLine = seen.get(command.curp);
  if (firstLine !== undefined) {
    result.rejected.push({ line, reason: `duplicate CURP: the same CURP is on line ${firstLine}` });
    return;
  }
  const now = new Date();
  try {
    await deps.office.registerServant(command, {
      occurredAt: registeredAt ?? now,
      now,
      actor: options.actor,
      commandId: `${correlationId}-line-${line}`,
      correlationId,
    });
    seen.set(command.curp, line);
    result.imported++;
  } catch (error) {
    // The only CONFLICT a registration meets is a CURP registered before (a
    // stale version is a WrongExpectedVersionError, handled below).
    if (error instanceof ConflictError && !(error instanceof WrongExpectedVersionError)) {
      seen.set(command.curp, line);
      result.alreadyPresent++;
      return;
    }
    // A refused row is reported; anything else (the store is down...) stops the import.
    if (!(error instanceof AcreditaError) || error instanceof WrongExpectedVersionError) throw error;
    result.rejected.push({ line, reason: reasonFromError(error) });
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
