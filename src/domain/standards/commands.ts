import type { Command } from '../shared/time.js';

export type PublishStandard = Command<
  'PublishStandard',
  { code: string; title: string; level: number; sector?: string | null; validityYears?: number | null }
>;

export type WithdrawStandard = Command<'WithdrawStandard', { code: string; reason: string }>;

export type StandardCommand = PublishStandard | WithdrawStandard;
