/**
 * Which events a webhook may receive, and what it receives of each. The guard
 * streams (curp-*, folio-*) are internal: a curp stream's name is an HMAC of
 * the CURP and must not travel. Sealed personal data is left out (useless
 * ciphertext to a receiver).
 */
import type { DomainEventType } from '../../domain/events.js';
import type { JsonObject, RecordedEvent } from '../../eventstore/types.js';

export const DELIVERABLE_TYPES = [
  'StandardPublished',
  'StandardWithdrawn',
  'ServantRegistered',
  'EmploymentChanged',
  'ServantSeparated',
  'PersonalDataErased',
  'EvaluatorAccredited',
  'TrainingEnrolled',
  'TrainingCompleted',
  'VerdictRecorded',
  'CertificateIssued',
  'CertificateDelivered',
  'CertificateRevoked',
  'CertificateReissued',
  'GoalSet',
] as const satisfies readonly DomainEventType[];

/** A new event type must be placed on one side or the other: this fails to compile until it is. */
type Undecided = Exclude<DomainEventType, (typeof DELIVERABLE_TYPES)[number] | 'CurpClaimed' | 'FolioAssigned' | 'PrintedFolioAssigned'>;
const everyTypeDecided: [Undecided] extends [never] ? true : Undecided = true;
void everyTypeDecided;

const deliverable: ReadonlySet<string> = new Set(DELIVERABLE_TYPES);

export const isDeliverable = (event: RecordedEvent): boolean => deliverable.has(event.type);
export const isKnownType = (type: string): boolean => deliverable.has(type);

/** The servant an event is about, when it is about one. */
export function servantIdOf(event: RecordedEvent): string | null {
  const id = event.data.servantId;
  return typeof id === 'string' ? id : null;
}

/** The Standard Webhooks payload: `type`, `timestamp`, `data`. The exact bytes are stored and signed. */
export function webhookPayload(event: RecordedEvent): string {
  const { personalData: _sealed, ...data } = event.data as JsonObject;
  return JSON.stringify({
    type: event.type,
    timestamp: event.recordedAt,
    data: {
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision,
      position: event.position.toString(),
      occurredAt: event.metadata.occurredAt,
      recordedAt: event.recordedAt,
      data,
    },
  });
}
