/**
 * A realistic log made the way production makes it: every event comes from an
 * Office command, decided by the domain and appended by the store. A seeded
 * simulation of servants across municipalities picks each next command
 * (registrations, employment changes, separations, erasures, trainings, retakes,
 * certificates, ceremonies, revocations, goals) and advances business time; a
 * command the domain refuses is counted and leaves the simulation unchanged.
 */
import { PersonGenerator, pick, seededRandom } from '../../src/app/demo/people.js';
import type { Office } from '../../src/application/office.js';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import type { CommandContext } from '../../src/domain/shared/event.js';
import { derivedUuid } from '../../src/application/ids.js';
import type { EventStore } from '../../src/eventstore/types.js';
import { CERTIFICATION_BODIES, MODALITIES, newServantFacts, PLACES, PROVIDERS, STANDARD_LIST, STANDARD_WEIGHTS } from './population.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
/** Business time starts with the 2016 administration; the whole log spans about two years. */
const STARTS = Date.parse('2016-12-05T17:00:00.000Z');
const SPAN_MS = 2 * YEAR_MS;
export const BENCH_ACTOR = 'acredita-bench';
/** The standard withdrawn late in the story (its open certifications are refused from then on). */
const WITHDRAWN_LATE = 'EC0587';

type Phase = 'NONE' | 'IN_TRAINING' | 'TRAINED' | 'NOT_YET_COMPETENT' | 'COMPETENT' | 'CERTIFIED';

interface SimCertification {
  servantId: string;
  standardCode: string;
  phase: Phase;
  folio: string | null;
  validUntil: number | null;
  revoked: boolean;
  delivered: boolean;
}

interface SimServant {
  id: string;
  active: boolean;
  erased: boolean;
}

export interface OfficeLog {
  /** Events in the store afterwards. */
  events: number;
  commands: number;
  /** Commands the domain refused (the simulation is deliberately not perfect). */
  refused: number;
  seconds: number;
  evaluatorIds: string[];
  /** Active servants with no valid certificate in `candidateStandard`: targets for later commands. */
  candidates: string[];
  candidateStandard: string;
  /** Folios of issued certificates (valid, revoked or expired). */
  folios: string[];
  /** Last business time used; later commands are dated after it. */
  lastBusinessTime: Date;
}

export interface OfficeLogOptions {
  office: Office;
  store: EventStore;
  /** Stop once the store holds at least this many events. */
  events: number;
  seed?: number;
  onProgress?: (events: number) => void;
}

export async function generateOfficeLog(options: OfficeLogOptions): Promise<OfficeLog> {
  const { office, store } = options;
  const random = seededRandom(options.seed ?? 20180918);
  const people = new PersonGenerator((options.seed ?? 20180918) + 1);
  const started = performance.now();
  // About 1.3 events per command: spread the commands over SPAN_MS.
  const meanStepMs = SPAN_MS / Math.max(1, options.events / 1.3);
  let clock = STARTS;
  let commands = 0;
  let refused = 0;
  const id = (kind: string, n: number) => derivedUuid(BENCH_ACTOR, kind, String(options.seed ?? 0), String(n));

  const run = async <T>(work: (ctx: CommandContext) => Promise<T>): Promise<T | null> => {
    clock += Math.floor(random() * 2 * meanStepMs);
    commands += 1;
    const ctx: CommandContext = {
      occurredAt: new Date(clock),
      now: new Date(),
      actor: BENCH_ACTOR,
      commandId: `bench-${commands}`,
      correlationId: `bench-${commands}`,
    };
    try {
      return await work(ctx);
    } catch (error) {
      if (!(error instanceof AcreditaError)) throw error;
      refused += 1;
      return null;
    }
  };

  // ---------------------------------------------------------------- setup: standards, evaluators
  const withdrawn = new Set<string>();
  for (const standard of STANDARD_LIST) {
    await run((ctx) => office.publishStandard({ ...standard }, ctx));
  }
  const evaluatorIds: string[] = [];
  const accredit = async () => {
    const evaluatorId = id('evaluator', evaluatorIds.length);
    const done = await run((ctx) =>
      office.accreditEvaluator(
        {
          id: evaluatorId,
          fullName: people.next().fullName,
          certificationBody: pick(random, CERTIFICATION_BODIES),
          ec0076Folio: `EC0076-${evaluatorIds.length + 1}`,
          standardCodes: STANDARD_LIST.map((s) => s.code),
          validUntil: new Date('2035-12-31T00:00:00Z'),
        },
        ctx,
      ),
    );
    if (done) evaluatorIds.push(evaluatorId);
  };
  for (let i = 0; i < 8; i++) await accredit();

  // ---------------------------------------------------------------- the population
  const servants: SimServant[] = [];
  const certifications = new Map<string, SimCertification>();
  const undelivered: SimCertification[] = [];
  const issued: SimCertification[] = [];
  let folioNumber = 0;
  let goals = 0;

  const register = async () => {
    const facts = newServantFacts(people, random);
    const servantId = id('servant', servants.length);
    const done = await run((ctx) =>
      office.registerServant(
        {
          id: servantId,
          curp: facts.person.curp,
          fullName: facts.person.fullName,
          state: facts.state,
          municipality: facts.municipality,
          department: facts.department,
          position: facts.position,
          regime: facts.regime,
          unionized: facts.unionized,
        },
        ctx,
      ),
    );
    if (done) servants.push({ id: servantId, active: true, erased: false });
  };

  const isValid = (c: SimCertification) => c.phase === 'CERTIFIED' && !c.revoked && (c.validUntil === null || c.validUntil > clock);

  const certificationStep = async (servant: SimServant) => {
    const standardCode = pick(random, STANDARD_WEIGHTS);
    const key = `${servant.id}/${standardCode}`;
    const c = certifications.get(key) ?? { servantId: servant.id, standardCode, phase: 'NONE', folio: null, validUntil: null, revoked: false, delivered: false };
    certifications.set(key, c);
    const target = { servantId: servant.id, standardCode };
    const mayStart = servant.active && !withdrawn.has(standardCode);
    const verdict = async () => {
      const competent = random() < 0.65;
      const done = await run((ctx) =>
        office.recordVerdict({ ...target, evaluatorId: pick(random, evaluatorIds), verdict: competent ? 'COMPETENT' : 'NOT_YET_COMPETENT' }, ctx),
      );
      if (done) c.phase = competent ? 'COMPETENT' : 'NOT_YET_COMPETENT';
    };
    switch (c.phase) {
      case 'NONE':
      case 'CERTIFIED':
        if (isValid(c) || !mayStart) return;
        if (random() < 0.7) {
          const done = await run((ctx) => office.enrollInTraining({ ...target, provider: pick(random, PROVIDERS), modality: pick(random, MODALITIES) }, ctx));
          if (done) c.phase = 'IN_TRAINING';
        } else await verdict();
        return;
      case 'IN_TRAINING':
        if (random() < 0.85) {
          const done = await run((ctx) => office.completeTraining({ ...target, hours: 20 + Math.floor(random() * 60) }, ctx));
          if (done) c.phase = 'TRAINED';
        } else if (mayStart) await verdict();
        return;
      case 'TRAINED':
      case 'NOT_YET_COMPETENT':
        if (mayStart) await verdict();
        return;
      case 'COMPETENT': {
        const folio = `${pick(random, CERTIFICATION_BODIES)}-${standardCode}-${new Date(clock).getUTCFullYear()}-${String(++folioNumber).padStart(6, '0')}`;
        const done = await run((ctx) => office.issueCertificate({ ...target, folio }, ctx));
        if (done) {
          const years = STANDARD_LIST.find((s) => s.code === standardCode)?.validityYears ?? null;
          Object.assign(c, { phase: 'CERTIFIED', folio, validUntil: years === null ? null : clock + years * YEAR_MS, revoked: false, delivered: false });
          undelivered.push(c);
          issued.push(c);
        }
        return;
      }
    }
  };

  /** A ceremony hands over up to 25 certificates at once. */
  const ceremony = async () => {
    const batch = undelivered.splice(0, 1 + Math.floor(random() * 25)).filter((c) => isValid(c) && !c.delivered);
    if (batch.length === 0) return;
    const place = pick(random, PLACES);
    const done = await run((ctx) =>
      office.deliverCertificates({ folios: batch.map((c) => c.folio!), ceremony: `Entrega de certificados, ${place.municipality}, ${new Date(clock).toISOString().slice(0, 10)}` }, ctx),
    );
    if (done) for (const c of batch) c.delivered = true;
  };

  const revoke = async () => {
    const c = issued.length > 0 ? pick(random, issued) : undefined;
    if (!c || c.revoked) return;
    const done = await run((ctx) => office.revokeCertificate({ folio: c.folio!, reason: 'Las evidencias no eran auténticas' }, ctx));
    if (done) c.revoked = true;
  };

  let head = Number(await store.headPosition());
  let nextProgress = 0;
  while (head < options.events) {
    const roll = random();
    if (servants.length < 40 || roll < 0.1) await register();
    else if (roll < 0.13) {
      const servant = pick(random, servants);
      if (servant.active) {
        const change = pick(random, [{ department: pick(random, ['Tesorería Municipal', 'Sindicatura Municipal', 'Delegaciones Municipales']) }, { regime: 'CONFIANZA' as const }, { unionized: random() < 0.5 }]);
        await run((ctx) => office.changeEmployment({ servantId: servant.id, ...change }, ctx));
      }
    } else if (roll < 0.137) {
      const servant = pick(random, servants);
      if (servant.active && (await run((ctx) => office.separateServant({ servantId: servant.id, reason: 'Renuncia voluntaria' }, ctx)))) servant.active = false;
    } else if (roll < 0.14) {
      const servant = pick(random, servants);
      if (!servant.erased && (await run((ctx) => office.erasePersonalData({ servantId: servant.id, reason: 'Solicitud ARCO de cancelación' }, ctx)))) {
        servant.erased = true;
      }
    } else if (roll < 0.142) {
      const place = pick(random, PLACES);
      const goalId = id('goal', goals++);
      const startsAt = new Date(clock);
      await run((ctx) =>
        office.setGoal({ id: goalId, state: place.state, municipality: place.municipality, target: 50 + Math.floor(random() * 600), startsAt, deadline: new Date(clock + YEAR_MS) }, ctx),
      );
    } else if (roll < 0.1422) await accredit();
    else if (roll < 0.16) await ceremony();
    else if (roll < 0.163) await revoke();
    else await certificationStep(pick(random, servants));

    if (!withdrawn.has(WITHDRAWN_LATE) && clock > STARTS + 0.8 * SPAN_MS) {
      if (await run((ctx) => office.withdrawStandard({ code: WITHDRAWN_LATE, reason: 'Sustituido por un estándar actualizado' }, ctx))) withdrawn.add(WITHDRAWN_LATE);
    }
    if (commands % 64 === 0) {
      head = Number(await store.headPosition());
      if (head >= nextProgress) {
        options.onProgress?.(head);
        nextProgress = head + 5_000;
      }
    }
  }

  const candidateStandard = 'EC0217';
  const candidates = servants
    .filter((s) => s.active)
    .filter((s) => {
      const c = certifications.get(`${s.id}/${candidateStandard}`);
      return !c || !isValid(c);
    })
    .map((s) => s.id);
  return {
    events: Number(await store.headPosition()),
    commands,
    refused,
    seconds: (performance.now() - started) / 1000,
    evaluatorIds,
    candidates,
    candidateStandard,
    folios: issued.map((c) => c.folio!),
    lastBusinessTime: new Date(clock),
  };
}

