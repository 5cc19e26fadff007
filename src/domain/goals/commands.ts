import type { GoalId } from '../shared/validation.js';
import type { Command } from '../shared/time.js';

/** Setting a goal again (same goalId) replaces it. */
export type SetGoal = Command<
  'SetGoal',
  {
    goalId: GoalId;
    state: string;
    municipality: string;
    target: number;
    startsAt: Date;
    deadline: Date;
    description?: string | null;
  }
>;

export type GoalCommand = SetGoal;
