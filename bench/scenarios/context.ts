import type { OfficeLog } from '../generator/office-log.js';
import type { LongStream } from '../generator/long-stream.js';
import type { BenchDatabase } from '../support/backend.js';
import type { Figure } from '../support/report.js';

/** What every scenario gets: the database with the generated log, and facts about that log. */
export interface ScenarioContext {
  bench: BenchDatabase;
  /** Events in the log before the scenarios ran. */
  events: number;
  log: OfficeLog;
  longStream: LongStream;
  /** A progress line on stderr. */
  say(line: string): void;
}

export interface Scenario {
  name: string;
  /** True when it appends events the other scenarios must not see (runs last). */
  pollutes?: boolean;
  run(ctx: ScenarioContext): Promise<Figure[]>;
}
