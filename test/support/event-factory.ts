/**
 * Builds RecordedEvent sequences for projection specs without an event store:
 * stream ids, revisions and global positions come out as the store would assign
 * them. `generateDomainLog` makes a long, seeded, valid history for replay tests.
 */
import { createHash, randomUUID } from 'node:crypto';
import { certificationStreamId, folioStreamId } from '../../src/domain/certifications/events.js';
import type { DomainEvent } from '../../src/domain/events.js';
import { evaluatorStreamId } from '../../src/domain/evaluators/events.js';
import { goalStreamId } from '../../src/domain/goals/events.js';
import type { ServantRegistered } from '../../src/domain/servants/events.js';
import { curpStreamId, servantStreamId } from '../../src/domain/servants/events.js';
import type { PersonalDataVault } from '../../src/domain/servants/personal-data.js';
import { standardStreamId } from '../../src/domain/standards/events.js';
import type { JsonObject, RecordedEvent } from '../../src/eventstore/types.js';

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
      return certificationStreamId(event.data.servantId, event.data.standardCode);
    case 'FolioAssigned':
      return folioStreamId(event.data.folio);
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
  for (const field of ['enrolledAt', 'completedAt', 'evaluatedAt', 'issuedAt', 'deliveredAt', 'revokedAt']) {
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
