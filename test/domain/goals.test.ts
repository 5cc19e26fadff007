import { describe, it } from 'vitest';
import type { GoalCommand } from '../../src/domain/goals/commands.js';
import { goalDecider } from '../../src/domain/goals/decide.js';
import type { GoalSet } from '../../src/domain/goals/events.js';
import { parseGoalId } from '../../src/domain/shared/validation.js';
import { given } from '../support/decider-spec.js';

const now = new Date('2017-01-10T12:00:00Z');
const goalId = parseGoalId('5d0c7e0a-8b55-4b8e-9a3e-3f5f9d1c2b77');

type Data = GoalCommand['data'];
const data: Data = {
  goalId,
  state: 'Baja California',
  municipality: 'Tijuana',
  target: 600,
  startsAt: new Date('2016-12-01T00:00:00Z'),
  deadline: new Date('2018-12-31T23:59:59Z'),
  description: ' 600 certified servants by the end of 2018 ',
};
const setGoal = (change: Partial<Data> = {}, occurredAt = now): GoalCommand => ({
  type: 'SetGoal',
  data: { ...data, ...change },
  occurredAt,
  now,
});
const goalSet: GoalSet = {
  type: 'GoalSet',
  data: {
    goalId,
    state: 'Baja California',
    municipality: 'Tijuana',
    target: 600,
    startsAt: '2016-12-01T00:00:00.000Z',
    deadline: '2018-12-31T23:59:59.000Z',
    description: '600 certified servants by the end of 2018',
  },
};

describe('SetGoal', () => {
  it('sets a goal whose deadline lies in the future', () => {
    given(goalDecider, []).when(setGoal()).then([goalSet]);
  });

  it('sets it again to replace it', () => {
    given(goalDecider, [goalSet])
      .when(setGoal({ target: 700, description: null }))
      .then([{ type: 'GoalSet', data: { ...goalSet.data, target: 700, description: null } }]);
  });

  it('refuses bad input, naming the field', () => {
    const cases: [Partial<Data>, string][] = [
      [{ state: '' }, 'state'],
      [{ municipality: ' ' }, 'municipality'],
      [{ target: 0 }, 'target'],
      [{ target: -5 }, 'target'],
      [{ target: 1.5 }, 'target'],
      [{ startsAt: new Date('x') }, 'startsAt'],
      [{ deadline: new Date('2016-12-01T00:00:00Z') }, 'deadline'],
      [{ deadline: new Date('2016-11-30T00:00:00Z') }, 'deadline'],
      [{ description: '' }, 'description'],
    ];
    for (const [change, field] of cases) {
      given(goalDecider, []).when(setGoal(change)).thenThrows('BAD_USER_INPUT', { field });
    }
    given(goalDecider, [])
      .when(setGoal({}, new Date('2017-01-10T12:00:01Z')))
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
  });
});
