import type { Event } from '../shared/event.js';
import type { EmploymentRegime, Modality, Verdict } from '../shared/vocabulary.js';

/**
 * Stream `certification-{servantId}-{standardCode}`: one servant's whole story in one standard.
 * Each event carries its business time in its data (`enrolledAt`, `issuedAt`, ...), the same
 * instant as metadata.occurredAt, so folding the stream alone tells when it last moved.
 */
export type TrainingEnrolled = Event<
  'TrainingEnrolled',
  {
    servantId: string;
    standardCode: string;
    provider: string;
    modality: Modality;
    /** ISO-8601 business time. */
    enrolledAt: string;
  }
>;

export type TrainingCompleted = Event<
  'TrainingCompleted',
  {
    servantId: string;
    standardCode: string;
    hours: number;
    /** ISO-8601 business time. */
    completedAt: string;
  }
>;

export type VerdictRecorded = Event<
  'VerdictRecorded',
  {
    servantId: string;
    standardCode: string;
    evaluatorId: string;
    verdict: Verdict;
    /** 1 for the first verdict in this stream, 2 for the first retake, ... */
    attempt: number;
    /** ISO-8601 business time of the evaluation. */
    evaluatedAt: string;
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

/**
 * A reprint on new paper after loss or damage: the certificate (its CONOCER
 * folio, dates, holder) stays; the paper in the holder's hands now carries
 * `printedFolio`, and the one it replaces stops verifying as current.
 */
export type CertificateReissued = Event<
  'CertificateReissued',
  {
    servantId: string;
    standardCode: string;
    folio: string;
    /** Folio preimpreso of the new paper. */
    printedFolio: string;
    /** The paper it replaces; null when the first paper's folio was never recorded. */
    replacedPrintedFolio: string | null;
    reason: string;
    /** ISO-8601 business time. */
    reissuedAt: string;
  }
>;

export type CertificationEvent =
  | TrainingEnrolled
  | TrainingCompleted
  | VerdictRecorded
  | CertificateIssued
  | CertificateDelivered
  | CertificateRevoked
  | CertificateReissued;


/** Stream `printed-folio-{printedFolio}`: appended with 'no_stream' so a printed folio names one paper. */
export type PrintedFolioAssigned = Event<'PrintedFolioAssigned', { printedFolio: string; folio: string }>;

/** Stream `folio-{folio}`: appended with 'no_stream' so a folio is used once. */
export type FolioAssigned = Event<
  'FolioAssigned',
  { folio: string; certificationStreamId: string; servantId: string; standardCode: string }
>;

export const certificationStreamId = (servantId: string, standardCode: string): string =>
  `certification-${servantId}-${standardCode}`;
export const folioStreamId = (folio: string): string => `folio-${folio}`;
export const printedFolioStreamId = (printedFolio: string): string => `printed-folio-${printedFolio}`;

/** Each event type of the feature with the schemaVersion written today (upcasting.ts): a new type fails to compile until listed. */
export const CERTIFICATION_EVENT_SCHEMAS = {
  TrainingEnrolled: 2,
  TrainingCompleted: 1,
  VerdictRecorded: 1,
  CertificateIssued: 1,
  CertificateDelivered: 1,
  CertificateRevoked: 1,
  CertificateReissued: 1,
  FolioAssigned: 1,
  PrintedFolioAssigned: 1,
} as const satisfies Record<CertificationEvent['type'] | FolioAssigned['type'] | PrintedFolioAssigned['type'], number>;
