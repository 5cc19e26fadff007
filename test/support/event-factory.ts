/**
 * Builds RecordedEvent sequences for projection specs without an event store:
 * stream ids, revisions and global positions come out as the store would assign
 * them. `generateDomainLog` makes a long, seeded, valid history for replay tests.
 */
import { createHash, randomUUID } from 'node:crypto';
import { certificationStreamId, folioStreamId, printedFolioStreamId } from '../../src/domain/certifications/events.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { evaluatorStreamId } from '../../src/domain/evaluators/events.js';
import { goalStreamId } from '../../src/domain/goals/events.js';
import type { ServantRegistered } from '../../src/domain/servants/events.js';
import { curpStreamId, servantStreamId } from '../../src/domain/servants/events.js';
import type { PersonalDataVault } from '../../src/domain/servants/personal-data.js';
import { addYears } from '../../src/domain/shared/time.js';
import { standardStreamId } from '../../src/domain/standards/events.js';
import type { JsonObject, RecordedEvent } from '../../src/eventstore/types.js';
import { seededRandom } from '../../src/app/demo/people.js';

/** The stream each event of the catalogue belongs to (CurpClaimed needs the digest). */
export function streamOf(event: DomainEvent, curpDigest?: string): string {
  switch (event.type) {
    case 'StandardPublished':
    case 'StandardWithdrawn':
      return standardStreamId(event.data.code);
    case 'ServantRegistered':
    case 'EmploymentChanged':
    case 'ServantSeparated':
    case 'PersonalDataErased':
      return servantStreamId(event.data.servantId);
    case 'CurpClaimed':
      return curpStreamId(curpDigest ?? event.data.servantId);
    case 'EvaluatorAccredited':
      return evaluatorStreamId(event.data.evaluatorId);
    case 'TrainingEnrolled':
    case 'TrainingCompleted':
    case 'VerdictRecorded':
    case 'CertificateIssued':
    case 'CertificateDelivered':
    case 'CertificateRevoked':
    case 'CertificateReissued':
      return certificationStreamId(event.data.servantId, event.data.standardCode);
    case 'FolioAssigned':
      return folioStreamId(event.data.folio);
    case 'PrintedFolioAssigned':
      return printedFolioStreamId(event.data.printedFolio);
    case 'GoalSet':
      return goalStreamId(event.data.goalId);
  }
}

/** An in-memory log that numbers events like the store does. */
export class EventLog {
  readonly events: RecordedEvent[] = [];
  private readonly versions = new Map<string, number>();
  private readonly lastHash = new Map<string, string>();

  /**
   * Appends one event at business time `occurredAt` (default: the time the event
   * carries, e.g. issuedAt); returns it as recorded.
   */
  record(event: DomainEvent, occurredAt?: string | Date, options: { streamId?: string; recordedAt?: string } = {}): RecordedEvent {
    occurredAt ??= businessTimeOf(event);
    const streamId = options.streamId ?? streamOf(event);
    const revision = this.versions.get(streamId) ?? 0;
    const previousHash = this.lastHash.get(streamId) ?? null;
    const recorded: RecordedEvent = {
      id: randomUUID(),
      type: event.type,
      data: event.data as unknown as JsonObject,
      metadata: {
        occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
        actor: 'test',
        commandId: null,
        correlationId: null,
        causationId: null,
        schemaVersion: 1,
      },
      streamId,
      revision,
      position: BigInt(this.events.length + 1),
      recordedAt: options.recordedAt ?? new Date(Date.UTC(2030, 0, 1) + this.events.length).toISOString(),
      hash: '',
      previousHash,
    };
    recorded.hash = createHash('sha256')
      .update((previousHash ?? '') + JSON.stringify([streamId, revision, event]))
      .digest('hex');
    this.versions.set(streamId, revision + 1);
    this.lastHash.set(streamId, recorded.hash);
    this.events.push(recorded);
    return recorded;
  }

  /** Events recorded after `position` (exclusive), e.g. the batch of one step of a spec. */
  since(position: bigint): RecordedEvent[] {
    return this.events.filter((event) => event.position > position);
  }

  get head(): bigint {
    return BigInt(this.events.length);
  }
}

export interface ServantFacts {
  servantId: string;
  curp: string;
  fullName: string;
  state: string;
  municipality: string;
  department: string;
  position?: string | null;
  regime?: ServantRegistered['data']['regime'];
  unionized?: boolean;
}

/** A ServantRegistered event with its personal data sealed by `vault`, as the decider makes it. */
export async function servantRegistered(vault: PersonalDataVault, facts: ServantFacts): Promise<ServantRegistered> {
  const seal = await vault.sealerFor(facts.servantId);
  return {
    type: 'ServantRegistered',
    data: {
      servantId: facts.servantId,
      personalData: seal({ curp: facts.curp, fullName: facts.fullName }),
      state: facts.state,
      municipality: facts.municipality,
      department: facts.department,
      position: facts.position ?? null,
      regime: facts.regime ?? 'BASE',
      unionized: facts.unionized ?? false,
    },
  };
}

/** The business time a certification event carries in its data. */
function businessTimeOf(event: DomainEvent): string {
  const data = event.data as Record<string, unknown>;
  for (const field of ['enrolledAt', 'completedAt', 'evaluatedAt', 'issuedAt', 'deliveredAt', 'revokedAt', 'reissuedAt']) {
    if (typeof data[field] === 'string') return data[field] as string;
  }
  throw new Error(`${event.type} carries no business time: pass occurredAt`);
}

type Of<T extends DomainEvent['type']> = Extract<DomainEvent, { type: T }>;
type Certification = { servantId: string; standardCode: string };

/** Builders for the events specs need most, with the data the deciders would put in them. */
export const make = {
  standardPublished: (code: string, validityYears: number | null, title = `Standard ${code}`): Of<'StandardPublished'> => ({
    type: 'StandardPublished',
    data: { code, title, level: 2, sector: null, validityYears },
  }),
  enrolled: (c: Certification, enrolledAt: string, provider = 'Ayuntamiento'): Of<'TrainingEnrolled'> => ({
    type: 'TrainingEnrolled',
    data: { ...c, provider, modality: 'PRESENTIAL', enrolledAt },
  }),
  completed: (c: Certification, completedAt: string, hours = 40): Of<'TrainingCompleted'> => ({
    type: 'TrainingCompleted',
    data: { ...c, hours, completedAt },
  }),
  verdict: (
    c: Certification,
    evaluatedAt: string,
    verdict: 'COMPETENT' | 'NOT_YET_COMPETENT' = 'COMPETENT',
    attempt = 1,
    evaluatorId = 'evaluator-1',
  ): Of<'VerdictRecorded'> => ({
    type: 'VerdictRecorded',
    data: { ...c, evaluatorId, verdict, attempt, evaluatedAt },
  }),
  issued: (
    c: Certification,
    folio: string,
    issuedAt: string,
    validUntil: string | null,
    holder: Of<'CertificateIssued'>['data']['holder'],
  ): Of<'CertificateIssued'> => ({
    type: 'CertificateIssued',
    data: { ...c, folio, issuedAt, validUntil, holder },
  }),
  delivered: (c: Certification, folio: string, deliveredAt: string, ceremony = 'Entrega 2018'): Of<'CertificateDelivered'> => ({
    type: 'CertificateDelivered',
    data: { ...c, folio, ceremony, deliveredAt },
  }),
  revoked: (c: Certification, folio: string, revokedAt: string, reason = 'Evidence was not authentic'): Of<'CertificateRevoked'> => ({
    type: 'CertificateRevoked',
    data: { ...c, folio, reason, revokedAt },
  }),
};

/** The holder snapshot of a servant as registered. */
export const holderOf = (facts: ServantFacts): Of<'CertificateIssued'>['data']['holder'] => ({
  state: facts.state,
  municipality: facts.municipality,
  department: facts.department,
  regime: facts.regime ?? 'BASE',
  unionized: facts.unionized ?? false,
});

const PLACES = [
  { state: 'Baja California', municipality: 'Tijuana' },
  { state: 'Baja California', municipality: 'Tijuana' },
  { state: 'Baja California', municipality: 'Mexicali' },
  { state: 'Baja California', municipality: 'Ensenada' },
  { state: 'Sonora', municipality: 'Hermosillo' },
];
const DEPARTMENTS = ['Oficialia Mayor', 'Tesoreria Municipal', 'Sindicatura', 'Secretaria de Desarrollo Social Municipal', 'Delegaciones'];
const REGIMES = ['BASE', 'CONFIANZA', 'EVENTUAL', 'HONORARIOS'] as const;
const GIVEN = ['María de los Ángeles', 'José', 'Ramón', 'Lucía', 'Ana_Sofía', 'Iñaki', 'Zoé'];
const FAMILY = ['Núñez', 'Peña', 'Ortiz', 'Álvarez', 'Muñoz', 'García', 'López 100%'];
const GENERATED_STANDARDS = [
  { code: 'EC0105', years: 5 },
  { code: 'EC0217', years: 3 },
  { code: 'EC0076', years: null },
  { code: 'EC0301', years: 2 },
  { code: 'EC0549', years: 5 },
];

interface GeneratedServant {
  facts: ServantFacts;
  active: boolean;
  erased: boolean;
}

interface GeneratedCertification {
  servantId: string;
  standardCode: string;
  phase: 'NONE' | 'IN_TRAINING' | 'TRAINED' | 'NOT_YET_COMPETENT' | 'COMPETENT' | 'CERTIFIED';
  attempts: number;
  folio: string | null;
  validUntil: string | null;
  revoked: boolean;
  delivered: boolean;
  issuedAt: string | null;
}

/**
 * A long, valid history in business time from 2016-12-01: registrations, employment
 * changes, separations, erasures (the vault key is destroyed), training, retakes,
 * certificates, deliveries, revocations back-dated by up to a year, renewals after
 * expiry, a withdrawn standard, goals. Follows the domain rules closely enough that
 * every projection sees realistic sequences; not built through the store.
 */
export async function generateDomainLog(options: { seed: number; events: number; vault: PersonalDataVault }): Promise<RecordedEvent[]> {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const log = new EventLog();
  let clock = Date.parse('2016-12-01T15:00:00.000Z');
  const now = () => new Date(clock).toISOString();
  const id = (prefix: string, n: number) => `${prefix}-${String(n).padStart(6, '0')}`;

  const standards = GENERATED_STANDARDS.map((s) => ({ ...s, withdrawn: false }));
  for (const s of standards) log.record(make.standardPublished(s.code, s.years), now());
  const evaluators = ['ev-1', 'ev-2', 'ev-3', 'ev-4'];
  const accredit = (evaluatorId: string) =>
    log.record(
      {
        type: 'EvaluatorAccredited',
        data: {
          evaluatorId,
          fullName: `Evaluador ${evaluatorId}`,
          certificationBody: pick(['UTT', 'CONOCER', 'UABC']),
          ec0076Folio: `EC0076-${evaluatorId}`,
          standardCodes: standards.map((s) => s.code),
          validUntil: new Date(clock + 10 * 365 * 86_400_000).toISOString(),
        },
      },
      now(),
    );
  evaluators.forEach(accredit);

  const servants: GeneratedServant[] = [];
  const certifications = new Map<string, GeneratedCertification>();
  let folios = 0;
  let goals = 0;

  const register = async () => {
    const n = servants.length + 1;
    const place = pick(PLACES);
    const facts: ServantFacts = {
      servantId: id('servant', n),
      curp: `CURP${String(n).padStart(14, '0')}`,
      fullName: `${pick(GIVEN)} ${pick(FAMILY)} ${pick(FAMILY)}`,
      ...place,
      department: pick(DEPARTMENTS),
      position: random() < 0.5 ? 'Auxiliar' : null,
      regime: pick(REGIMES),
      unionized: random() < 0.6,
    };
    servants.push({ facts, active: true, erased: false });
    log.record(await servantRegistered(options.vault, facts), now());
    log.record({ type: 'CurpClaimed', data: { servantId: facts.servantId } }, now(), {
      streamId: `curp-${options.vault.curpDigest(facts.curp)}`,
    });
  };

  const step = (servant: GeneratedServant) => {
    const standard = pick(standards);
    const c = { servantId: servant.facts.servantId, standardCode: standard.code };
    const key = `${c.servantId}/${c.standardCode}`;
    const cert =
      certifications.get(key) ??
      ({ ...c, phase: 'NONE', attempts: 0, folio: null, validUntil: null, revoked: false, delivered: false, issuedAt: null } as GeneratedCertification);
    certifications.set(key, cert);
    const validNow = cert.phase === 'CERTIFIED' && !cert.revoked && (cert.validUntil === null || cert.validUntil >= now());
    const mayStart = servant.active && !standard.withdrawn;
    const verdict = () => {
      cert.attempts += 1;
      const competent = random() < 0.65;
      log.record(make.verdict(c, now(), competent ? 'COMPETENT' : 'NOT_YET_COMPETENT', cert.attempts, pick(evaluators)));
      cert.phase = competent ? 'COMPETENT' : 'NOT_YET_COMPETENT';
    };
    switch (cert.phase) {
      case 'NONE':
      case 'CERTIFIED':
        if (validNow) {
          if (!cert.delivered && random() < 0.6) {
            log.record(make.delivered(c, cert.folio!, now(), pick(['Entrega 2018', 'Entrega UTT', 'Entrega Cabildo'])));
            cert.delivered = true;
          } else if (random() < 0.08) {
            // Found out late: the revocation applies from a business time up to a year back.
            const back = Math.max(Date.parse(cert.issuedAt!), clock - random() * 365 * 86_400_000);
            log.record(make.revoked(c, cert.folio!, new Date(back).toISOString()));
            cert.revoked = true;
          }
        } else if (mayStart) {
          if (random() < 0.6) {
            log.record(make.enrolled(c, now(), pick(['Ayuntamiento', 'UTT aulas virtuales'])));
            cert.phase = 'IN_TRAINING';
          } else verdict();
        }
        break;
      case 'IN_TRAINING':
        if (random() < 0.8) {
          log.record(make.completed(c, now(), 20 + Math.floor(random() * 60)));
          cert.phase = 'TRAINED';
        } else if (mayStart) verdict();
        break;
      case 'TRAINED':
      case 'NOT_YET_COMPETENT':
        if (mayStart) verdict();
        break;
      case 'COMPETENT': {
        const folio = id('F', ++folios);
        const issuedAt = now();
        const validUntil = standard.years === null ? null : addYearsIso(issuedAt, standard.years);
        log.record(make.issued(c, folio, issuedAt, validUntil, holderOf(servant.facts)));
        log.record(
          { type: 'FolioAssigned', data: { folio, certificationStreamId: certificationStreamId(c.servantId, c.standardCode), ...c } },
          issuedAt,
        );
        Object.assign(cert, { phase: 'CERTIFIED', folio, validUntil, issuedAt, revoked: false, delivered: false });
        break;
      }
    }
  };

  while (log.events.length < options.events) {
    clock += Math.floor(random() * 5 * 3_600_000);
    const roll = random();
    if (servants.length < 20 || roll < 0.12) await register();
    else if (roll < 0.17) {
      const servant = pick(servants);
      const change = pick([{ department: pick(DEPARTMENTS) }, { regime: pick(REGIMES) }, { unionized: random() < 0.5 }, { position: null }]);
      Object.assign(servant.facts, change);
      log.record({ type: 'EmploymentChanged', data: { servantId: servant.facts.servantId, ...change } }, now());
    } else if (roll < 0.18) {
      const servant = pick(servants);
      if (servant.active) {
        servant.active = false;
        log.record({ type: 'ServantSeparated', data: { servantId: servant.facts.servantId, reason: 'Separated' } }, now());
      }
    } else if (roll < 0.185) {
      const servant = pick(servants);
      if (!servant.erased) {
        servant.erased = true;
        await options.vault.erase(servant.facts.servantId);
        log.record({ type: 'PersonalDataErased', data: { servantId: servant.facts.servantId, reason: 'ARCO request' } }, now());
      }
    } else if (roll < 0.19) {
      const place = pick(PLACES);
      const goalId = random() < 0.3 && goals > 0 ? id('goal', goals) : id('goal', ++goals);
      log.record(
        {
          type: 'GoalSet',
          data: { goalId, ...place, target: 10 + Math.floor(random() * 600), startsAt: '2016-12-01T00:00:00.000Z', deadline: addYearsIso(now(), 1), description: null },
        },
        now(),
      );
    } else if (roll < 0.192) {
      accredit(pick(evaluators));
    } else if (roll < 0.1925 && log.events.length > options.events * 0.6 && !standards[3].withdrawn) {
      standards[3].withdrawn = true;
      log.record({ type: 'StandardWithdrawn', data: { code: standards[3].code, reason: 'Replaced' } }, now());
    } else step(pick(servants));
  }
  return log.events;
}

const addYearsIso = (iso: string, years: number): string => addYears(new Date(iso), years).toISOString();
