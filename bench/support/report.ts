/**
 * Figures next to their same-run baselines, printed as a table and kept in
 * bench/results/<date>-<backend>.json (one entry per log size; a later run of
 * the same size replaces it, so 100k and 1M can be run separately).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** rate: higher is better, cost = 1/value. latency, memory: lower is better, cost = value. */
export type FigureKind = 'rate' | 'latency' | 'memory';

export interface Figure {
  scenario: string;
  figure: string;
  kind: FigureKind;
  value: number;
  unit: string;
  baselineName: string | null;
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  /** e.g. ">= 0.25" of the ratio, or "<= 300" of the value when there is no baseline. */
  target: string | null;
  pass: boolean | null;
}

export interface FigureInput {
  scenario: string;
  figure: string;
  kind: FigureKind;
  value: number;
  unit: string;
  baselineName?: string;
  baseline?: number;
  /** Bound on the ratio (or on the value when there is no baseline). */
  target?: { op: '>=' | '<='; bound: number };
}

export function figure(input: FigureInput): Figure {
  const baseline = input.baseline ?? null;
  const ratio = baseline ? input.value / baseline : null;
  const measured = baseline ? ratio! : input.value;
  const target = input.target ? `${input.target.op} ${input.target.bound}` : null;
  const pass = input.target ? (input.target.op === '>=' ? measured >= input.target.bound : measured <= input.target.bound) : null;
  return { scenario: input.scenario, figure: input.figure, kind: input.kind, value: input.value, unit: input.unit, baselineName: input.baselineName ?? null, baseline, ratio, target, pass };
}

export interface SizeRun {
  events: number;
  startedAt: string;
  generation: Record<string, number | string>;
  figures: Figure[];
  notes: string[];
}

export interface GrowthRow {
  scenario: string;
  figure: string;
  small: number;
  large: number;
  /** Cost per unit at the large size over the small size. */
  growth: number;
  /**
   * The same for the figure's ratio to its same-run baseline: the growth with the
   * machine's load at each run divided out (null without a baseline).
   */
  normalized: number | null;
  /** Judged on `growth`, as the target is worded; `normalized` tells whether the machine's load explains a failure. */
  pass: boolean;
}

export interface ResultFile {
  date: string;
  backend: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string; note: string };
  runs: SizeRun[];
  growth: GrowthRow[];
}

const fmt = (n: number | null, digits = 2): string => {
  if (n === null || Number.isNaN(n)) return '-';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en');
  return n.toFixed(Math.abs(n) >= 100 ? 0 : digits);
};

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function figuresTable(figures: readonly Figure[]): string {
  return table(
    ['scenario', 'figure', 'value', 'same-run baseline', 'baseline', 'ratio', 'target', 'ok'],
    figures.map((f) => [
      f.scenario,
      f.figure,
      `${fmt(f.value)} ${f.unit}`,
      f.baselineName ?? '',
      f.baseline === null ? '' : fmt(f.baseline),
      f.ratio === null ? '' : fmt(f.ratio),
      f.target ?? '',
      f.pass === null ? '' : f.pass ? 'yes' : 'NO',
    ]),
  );
}

export function growthTable(rows: readonly GrowthRow[]): string {
  return table(
    ['scenario', 'figure', 'small', 'large', 'cost growth', 'vs baseline', 'target', 'ok'],
    rows.map((r) => [r.scenario, r.figure, fmt(r.small), fmt(r.large), fmt(r.growth), fmt(r.normalized), '<= 1.25', r.pass ? 'yes' : 'NO']),
  );
}

/** Per-unit cost at each size over the next smaller one, for every figure both have. */
export function growthOf(runs: readonly SizeRun[]): GrowthRow[] {
  const sorted = [...runs].sort((a, b) => a.events - b.events);
  const cost = (f: Figure) => (f.kind === 'rate' ? 1 / f.value : f.value);
  return sorted.slice(1).flatMap((large, i) => {
    const small = sorted[i];
    return small.figures.flatMap((f) => {
      const g = large.figures.find((x) => x.scenario === f.scenario && x.figure === f.figure);
      if (!g) return [];
      const growth = cost(g) / cost(f);
      const baselineGrowth = f.baseline && g.baseline ? (f.kind === 'rate' ? f.baseline / g.baseline : g.baseline / f.baseline) : null;
      const normalized = baselineGrowth ? growth / baselineGrowth : null;
      const figure = `${f.figure} (${small.events.toLocaleString('en')} -> ${large.events.toLocaleString('en')})`;
      return [{ scenario: f.scenario, figure, small: f.value, large: g.value, growth, normalized, pass: growth <= 1.25 }];
    });
  });
}

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

export function saveRun(backend: string, run: SizeRun): { path: string; file: ResultFile } {
  const date = run.startedAt.slice(0, 10);
  const path = join(RESULTS, `${date}-${backend}.json`);
  mkdirSync(RESULTS, { recursive: true });
  const previous: ResultFile | null = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ResultFile) : null;
  const runs = [...(previous?.runs.filter((r) => r.events !== run.events) ?? []), run].sort((a, b) => a.events - b.events);
  const file: ResultFile = {
    date,
    backend,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      note: 'shared with other work while measured: compare ratios, not absolute figures',
    },
    runs,
    growth: growthOf(runs),
  };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return { path, file };
}
