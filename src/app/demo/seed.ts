/**
 * Seeds the Tijuana 2018 scenario through the Office, one command at a time, in
 * business-time order. Every command carries a deterministic commandId, so
 * seeding again (after a crash, or on a seeded store) appends nothing new.
 */
import type { CommandResult, Office } from '../../application/office.js';
import type { CommandContext } from '../../domain/shared/event.js';
import type { DemoStep } from './plan.js';
import { buildScenario, GOAL } from './scenario.js';

export const DEMO_ACTOR = 'acredita-demo';

export interface DemoSummary {
  /** Commands sent (replayed ones included). */
  commands: number;
  standards: number;
  evaluators: number;
  servants: number;
  certificates: number;
  ceremonies: number;
  goalId: string;
  /** Highest global position any command reported. */
  lastPosition: bigint;
  elapsedMs: number;
}

export interface SeedOptions {
  onProgress?: (done: number, total: number) => void;
}

type AnyCommand = (input: unknown, context: CommandContext) => Promise<CommandResult>;

export async function seedDemo(office: Office, options: SeedOptions = {}): Promise<DemoSummary> {
  const started = performance.now();
  const steps = buildScenario();
  let lastPosition = 0n;
  for (const [index, step] of steps.entries()) {
    const context: CommandContext = {
      occurredAt: step.occurredAt,
      now: new Date(),
      actor: DEMO_ACTOR,
      commandId: step.commandId,
      correlationId: step.correlationId,
    };
    const handle = office[step.command].bind(office) as AnyCommand;
    const { position } = await handle(step.input, context);
    if (position > lastPosition) lastPosition = position;
    options.onProgress?.(index + 1, steps.length);
  }
  return { ...countSteps(steps), commands: steps.length, goalId: GOAL.id, lastPosition, elapsedMs: Math.round(performance.now() - started) };
}

function countSteps(steps: readonly DemoStep[]) {
  const count = (command: DemoStep['command']) => steps.filter((step) => step.command === command).length;
  return {
    standards: count('publishStandard'),
    evaluators: count('accreditEvaluator'),
    servants: count('registerServant'),
    certificates: count('issueCertificate'),
    ceremonies: count('deliverCertificates'),
  };
}
