import type { Event } from '../shared/event.js';
import type { EmploymentRegime, Modality, Verdict } from '../shared/vocabulary.js';

/** Stream `certification-{servantId}-{standardCode}`: one servant's whole story in one standard. */
export type TrainingEnrolled = Event<
  'TrainingEnrolled',
  { servantId: string; standardCode: string; provider: string; modality: Modality }
>;

export type TrainingCompleted = Event<'TrainingCompleted', { servantId: string; standardCode: string; hours: number }>;

export type VerdictRecorded = Event<
  'VerdictRecorded',
  {
    servantId: string;
    standardCode: string;
    evaluatorId: string;
    verdict: Verdict;
    /** 1 for the first verdict in this stream, 2 for the first retake, ... */
    attempt: number;
  }
>;

/** Where the holder worked when the certificate was issued (no personal data). */
export interface HolderSnapshot {
  state: string;
  municipality: string;
  department: string;
  regime: EmploymentRegime;
  unionized: boolean;
}

export type CertificateIssued = Event<
  'CertificateIssued',
  {
    servantId: string;
    standardCode: string;
    folio: string;
    /** ISO-8601 business time of issuance. */
    issuedAt: string;
    /** issuedAt + the standard's validityYears; null means permanent. */
    validUntil: string | null;
    holder: HolderSnapshot;
  }
>;

export type CertificateDelivered = Event<
  'CertificateDelivered',
  { servantId: string; standardCode: string; folio: string; ceremony: string; deliveredAt: string }
>;

export type CertificateRevoked = Event<
  'CertificateRevoked',
  { servantId: string; standardCode: string; folio: string; reason: string; revokedAt: string }
>;

export type CertificationEvent =
  | TrainingEnrolled
  | TrainingCompleted
  | VerdictRecorded
  | CertificateIssued
  | CertificateDelivered
  | CertificateRevoked;

/** Stream `folio-{folio}`: appended with 'no_stream' so a folio is used once. */
export type FolioAssigned = Event<
  'FolioAssigned',
  { folio: string; certificationStreamId: string; servantId: string; standardCode: string }
>;

export const certificationStreamId = (servantId: string, standardCode: string): string =>
  `certification-${servantId}-${standardCode}`;
export const folioStreamId = (folio: string): string => `folio-${folio}`;
