import type { StandardCode } from '../shared/validation.js';
import type { Command } from '../shared/time.js';

export type PublishStandard = Command<
  'PublishStandard',
  { code: StandardCode; title: string; level: number; sector?: string | null; validityYears?: number | null }
>;

export type WithdrawStandard = Command<'WithdrawStandard', { code: StandardCode; reason: string }>;

export type StandardCommand = PublishStandard | WithdrawStandard;
