import type { EvaluatorId, Folio, PrintedFolio, ServantId, StandardCode } from '../shared/validation.js';
import type { Command } from '../shared/time.js';
import type { Modality, Verdict } from '../shared/vocabulary.js';

/** The certification a step is addressed to: one servant in one standard. */
export interface CertificationKey {
  servantId: ServantId;
  standardCode: StandardCode;
}

export type EnrollInTraining = Command<'EnrollInTraining', CertificationKey & { provider: string; modality: Modality }>;

export type CompleteTraining = Command<'CompleteTraining', CertificationKey & { hours: number }>;

export type RecordVerdict = Command<'RecordVerdict', CertificationKey & { evaluatorId: EvaluatorId; verdict: Verdict }>;

export type IssueCertificate = Command<'IssueCertificate', CertificationKey & { folio: Folio }>;

/** One folio of a DeliverCertificates batch, decided on the certification stream the folio points at. */
export type DeliverCertificate = Command<'DeliverCertificate', { folio: Folio; ceremony: string }>;

export type RevokeCertificate = Command<'RevokeCertificate', { folio: Folio; reason: string }>;

export type ReissueCertificate = Command<'ReissueCertificate', { folio: Folio; printedFolio: PrintedFolio; reason: string }>;

export type CertificationCommand =
  | EnrollInTraining
  | CompleteTraining
  | RecordVerdict
  | IssueCertificate
  | DeliverCertificate
  | RevokeCertificate
  | ReissueCertificate;
