/**
 * The roster's columns and how one CSV row becomes a RegisterServant command.
 * Reasons are plain English and never repeat a value (a shifted column may put
 * a CURP or a name anywhere): import reports end up in terminals and logs, where
 * personal data could not be erased.
 */
import type { RegisterServantInput } from '../../application/office.js';
import { AcreditaError } from '../../domain/shared/errors.js';
import { parseCurp } from '../../domain/shared/validation.js';
import { EMPLOYMENT_REGIMES, type EmploymentRegime } from '../../domain/shared/vocabulary.js';

export const REQUIRED_COLUMNS = ['curp', 'full_name', 'state', 'municipality', 'department', 'regime', 'unionized'] as const;
export const OPTIONAL_COLUMNS = ['position', 'registered_at'] as const;
const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** The domain's field names as the roster spells them, so a refused command names the column. */
export const COLUMN_OF_FIELD: Record<string, string> = {
  curp: 'curp',
  fullName: 'full_name',
  state: 'state',
  municipality: 'municipality',
  department: 'department',
  position: 'position',
  regime: 'regime',
  unionized: 'unionized',
  occurredAt: 'registered_at',
};

export type Column = (typeof KNOWN_COLUMNS)[number];

/** Column name -> index in the row, from a header row; problems listed for the error message. */
export function readHeader(fields: readonly string[]): { index: Map<string, number>; problems: string[] } {
  const index = new Map<string, number>();
  const problems: string[] = [];
  fields.forEach((raw, i) => {
    const name = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
    // Named by position, not echoed: without a header row, the first row would be personal data.
    if (!KNOWN_COLUMNS.includes(name)) problems.push(`column ${i + 1} of the header is not a known column`);
    else if (index.has(name)) problems.push(`column ${name} appears twice`);
    else index.set(name, i);
  });
  const missing = REQUIRED_COLUMNS.filter((name) => !index.has(name));
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (problems.length > 0) problems.push(`the columns are ${KNOWN_COLUMNS.join(', ')} (position and registered_at optional)`);
  return { index, problems };
}

export interface RosterRow {
  command: Omit<RegisterServantInput, 'id'>;
  /** Business time of the registration; null: when the import runs. */
  registeredAt: Date | null;
}

export type ParsedRow = { ok: true; row: RosterRow } | { ok: false; reason: string };

const TRUE_WORDS = new Set(['true', 'yes', 'sí', 'si', '1', 'verdadero']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'falso']);
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

class RowProblem extends Error {}

/** Checks one data row against the header; the domain checks the rest when the command runs. */
export function parseRow(fields: readonly string[], header: Map<string, number>): ParsedRow {
  if (fields.length > header.size) {
    return { ok: false, reason: `the row has ${fields.length} fields but the header has ${header.size} (put a value that holds a comma in double quotes)` };
  }
  if (fields.some((field) => field.includes('\uFFFD'))) {
    return { ok: false, reason: 'the row is not valid UTF-8 (save the file as "CSV UTF-8")' };
  }
  const value = (column: Column): string => fields[header.get(column) ?? -1]?.trim() ?? '';
  const missing = REQUIRED_COLUMNS.filter((column) => value(column) === '');
  if (missing.length > 0) return { ok: false, reason: `missing value for ${missing.join(', ')}` };
  try {
    return {
      ok: true,
      row: {
        command: {
          curp: parseCurp(value('curp')),
          fullName: value('full_name'),
          state: value('state'),
          municipality: value('municipality'),
          department: value('department'),
          position: value('position') || null,
          regime: parseRegime(value('regime')),
          unionized: parseYesNo(value('unionized')),
        },
        registeredAt: parseRegisteredAt(value('registered_at')),
      },
    };
  } catch (error) {
    if (error instanceof RowProblem || error instanceof AcreditaError) return { ok: false, reason: error.message };
    throw error;
  }
}

function parseRegime(text: string): EmploymentRegime {
  const regime = text.toUpperCase() as EmploymentRegime;
  if (!EMPLOYMENT_REGIMES.includes(regime)) {
    throw new RowProblem(`regime is unknown: use ${EMPLOYMENT_REGIMES.join(', ')}`);
  }
  return regime;
}

function parseYesNo(text: string): boolean {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new RowProblem('unionized is not a yes/no value: use true or false (also yes/no, sí/no, 1/0)');
}

function parseRegisteredAt(text: string): Date | null {
  if (text === '') return null;
  const day = DATE_ONLY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const at = new Date(Date.UTC(year, month - 1, date));
    if (at.getUTCMonth() === month - 1 && at.getUTCDate() === date) return at;
  } else if (DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) {
    return new Date(text);
  }
  throw new RowProblem('registered_at is not a date: use YYYY-MM-DD or an ISO 8601 date-time such as 2018-09-18T10:00:00-07:00');
}

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV
 * injection: `=HYPERLINK(...)`, `+cmd|' /C calc'!A0`, `@SUM(1+1)`), and some
 * skip a leading tab or carriage return first. No column legitimately starts
 * with one: not a CURP, a name, a place, an office, a regime, a yes/no or a
 * date; a lone `-` meaning "none" is refused too (leave the cell empty), so a
 * later export to a spreadsheet is always safe.
 */
const FORMULA_STARTS = new Set(['=', '+', '-', '@']);
const HIDDEN_LEADS: Record<string, string> = { '\t': 'a tab', '\r': 'a carriage return' };

/**
 * Why the row is refused when a cell could be read as a formula, or null.
 * `raw` is the row as written: the CSV reader trims tabs and carriage returns
 * around unquoted values, so only the raw text shows that a value started with one.
 */
export function formulaProblem(fields: readonly string[], raw: string, header: Map<string, number>): string | null {
  const hidden = hiddenLeads(raw);
  const columns = [...header].sort(([, a], [, b]) => a - b);
  for (const [name, index] of columns) {
    const field = fields[index] ?? '';
    const lead = hidden.get(index) ?? (field[0] !== undefined && field[0] in HIDDEN_LEADS ? field[0] : undefined);
    const first = field.trim()[0];
    const what = lead !== undefined ? HIDDEN_LEADS[lead] : first !== undefined && FORMULA_STARTS.has(first) ? `"${first}"` : null;
    if (what) {
      return `${name} (column ${index + 1}) starts with ${what}, which a spreadsheet could run as a formula: remove it`;
    }
  }
  return null;
}

/**
 * Fields of a raw CSV row whose unquoted lead (before the value or its opening
 * quote) holds a tab or carriage return followed by a value. The row has been
 * parsed already, so its quoting is known to be sound.
 */
function hiddenLeads(raw: string): Map<number, string> {
  const found = new Map<number, string>();
  let field = 0;
  let atStart = true;
  let inQuotes = false;
  let lead: string | null = null;
  for (const ch of raw) {
    if (inQuotes) {
      if (ch === '"') inQuotes = false;
      continue;
    }
    if (ch === ',') {
      field++;
      atStart = true;
      lead = null;
    } else if (ch === '\n') {
      break;
    } else if (!atStart) {
      // After a closing quote, another one is an escaped quote: back inside the value.
      if (ch === '"') inQuotes = true;
    } else if (ch in HIDDEN_LEADS) {
      lead ??= ch;
    } else if (ch !== ' ') {
      if (lead !== null) found.set(field, lead);
      atStart = false;
      inQuotes = ch === '"';
    }
  }
  return found;
}

/** A refused command's message with the domain's field name replaced by the roster's column name. */
export function reasonFromError(error: AcreditaError): string {
  const field = typeof error.details?.field === 'string' ? error.details.field : null;
  const column = field ? COLUMN_OF_FIELD[field] : undefined;
  return field && column && error.message.startsWith(field) ? column + error.message.slice(field.length) : error.message;
}
