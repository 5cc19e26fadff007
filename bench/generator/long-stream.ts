/**
 * One certification stream of exactly 200 events, through the Office: a servant
 * who trains and is found NOT_YET_COMPETENT 66 times (enroll, complete, verdict)
 * and enrolls once more. Time travel is measured on it.
 */
import { PersonGenerator } from '../../src/app/demo/people.js';
import { certificationStreamId } from '../../src/domain/certifications/events.js';
import type { Office } from '../../src/application/office.js';
import type { CommandContext } from '../../src/domain/shared/event.js';
import { derivedUuid } from '../../src/application/ids.js';
import { BENCH_ACTOR } from './office-log.js';

export const LONG_STREAM_EVENTS = 200;

export interface LongStream {
  servantId: string;
  standardCode: string;
  streamId: string;
}

export async function buildLongStream(office: Office, evaluatorId: string, after: Date): Promise<LongStream> {
  const person = new PersonGenerator(200).next();
  const servantId = derivedUuid(BENCH_ACTOR, 'long-stream-servant');
  const standardCode = 'EC0105';
  let minute = 0;
  const ctx = (): CommandContext => ({
    occurredAt: new Date(after.getTime() + ++minute * 60_000),
    now: new Date(),
    actor: BENCH_ACTOR,
    commandId: null,
    correlationId: 'bench-long-stream',
  });
  await office.registerServant(
    { id: servantId, curp: person.curp, fullName: person.fullName, state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
    ctx(),
  );
  const target = { servantId, standardCode };
  for (let events = 0; events < LONG_STREAM_EVENTS; ) {
    await office.enrollInTraining({ ...target, provider: 'Ayuntamiento', modality: 'PRESENTIAL' }, ctx());
    await office.completeTraining({ ...target, hours: 40 }, ctx());
    events += 2;
    if (events === LONG_STREAM_EVENTS) break;
    await office.recordVerdict({ ...target, evaluatorId, verdict: 'NOT_YET_COMPETENT' }, ctx());
    events += 1;
  }
  return { servantId, standardCode, streamId: certificationStreamId(servantId, standardCode) };
}
