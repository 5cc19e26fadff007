import { expect, it } from 'vitest';
import type { GoalSet } from '../../src/domain/goals/events.js';
import { createAllProjections } from '../../src/projections/all.js';
import { EventLog, holderOf, make, type ServantFacts } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { forEachDialect, project, readModelOf } from './dialects.js';

const vault = createTestVault();
const tijuana = { state: 'Baja California', municipality: 'Tijuana' };
const servant = (servantId: string, municipality = 'Tijuana'): ServantFacts => ({
  servantId,
  curp: 'AAAA000101MBCRNN01',
  fullName: servantId,
  state: 'Baja California',
  municipality,
  department: 'Oficialia Mayor',
});
const goal = (data: Partial<GoalSet['data']> = {}): GoalSet => ({
  type: 'GoalSet',
  data: {
    goalId: 'g1',
    ...tijuana,
    target: 3,
    startsAt: '2016-12-01T00:00:00.000Z',
    deadline: '2018-12-31T23:59:59.999Z',
    description: '600 certified servants by the end of 2018',
    ...data,
  },
});

/** Issues a 5-year EC0105 certificate (or `code`) to `who` at `issuedAt`. */
function certify(log: EventLog, who: ServantFacts, folio: string, issuedAt: string, code = 'EC0105') {
  const c = { servantId: who.servantId, standardCode: code };
  const until = `${Number(issuedAt.slice(0, 4)) + 5}${issuedAt.slice(4)}`;
  log.record(make.issued(c, folio, issuedAt, until, holderOf(who)));
  return c;
}

forEachDialect(
  () => createAllProjections({ dialect: 'sqlite', vault }),
  ({ fixture, projections }) => {
    it('counts distinct servants of the place certified in the window and never revoked', async () => {
      const log = new EventLog();
      log.record(goal(), '2016-12-01T00:00:00.000Z');
      certify(log, servant('s1'), 'F-1', '2018-09-18T17:00:00.000Z');
      certify(log, servant('s1'), 'F-2', '2018-10-01T17:00:00.000Z', 'EC0217'); // same servant: counted once
      certify(log, servant('s2'), 'F-3', '2016-12-01T00:00:00.000Z'); // on startsAt: counts (and expires in 2021: still counts)
      const revoked = certify(log, servant('s3'), 'F-4', '2018-05-01T17:00:00.000Z');
      log.record(make.revoked(revoked, 'F-4', '2020-01-01T00:00:00.000Z')); // revoked after the deadline: still undone
      certify(log, servant('s4'), 'F-5', '2019-01-01T00:00:00.000Z'); // after the deadline
      certify(log, servant('s5'), 'F-6', '2016-11-30T23:59:59.999Z'); // before startsAt
      certify(log, servant('s6', 'Mexicali'), 'F-7', '2018-09-18T17:00:00.000Z'); // another municipality
      await project(fixture().db, projections, log.events);

      expect(await readModelOf(fixture()).goalProgress('g1')).toEqual({
        goal: {
          id: 'g1',
          ...tijuana,
          target: 3,
          startsAt: '2016-12-01T00:00:00.000Z',
          deadline: '2018-12-31T23:59:59.999Z',
          description: '600 certified servants by the end of 2018',
        },
        achieved: 2,
        remaining: 1,
        percent: 66.7,
      });
      expect(await readModelOf(fixture()).goalProgress('nope')).toBeNull();
    });

    it('setting a goal again replaces it; remaining never goes below zero; goals filter by municipality', async () => {
      const log = new EventLog();
      log.record(goal({ target: 600 }), '2016-12-01T00:00:00.000Z');
      log.record(goal({ goalId: 'g2', municipality: 'Mexicali', deadline: '2019-12-31T00:00:00.000Z' }), '2016-12-01T00:00:00.000Z');
      certify(log, servant('s1'), 'F-1', '2018-09-18T17:00:00.000Z');
      certify(log, servant('s2'), 'F-2', '2018-09-18T17:00:00.000Z');
      log.record(goal({ target: 1, description: null }), '2017-06-01T00:00:00.000Z');
      await project(fixture().db, projections, log.events, 3);
      const readModel = readModelOf(fixture());

      expect(await readModel.goalProgress('g1')).toMatchObject({ goal: { target: 1, description: null }, achieved: 2, remaining: 0, percent: 200 });
      expect((await readModel.goals(null)).map((g) => g.id)).toEqual(['g1', 'g2']);
      expect((await readModel.goals('Mexicali')).map((g) => g.id)).toEqual(['g2']);
      expect(await readModel.goals('Ensenada')).toEqual([]);
    });
  },
);
