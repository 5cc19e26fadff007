import type { Command } from '../shared/time.js';
import type { Modality, Verdict } from '../shared/vocabulary.js';

export type EnrollInTraining = Command<
  'EnrollInTraining',
  { servantId: string; standardCode: string; provider: string; modality: Modality }
>;

export type CompleteTraining = Command<'CompleteTraining', { servantId: string; standardCode: string; hours: number }>;

export type RecordVerdict = Command<
  'RecordVerdict',
  { servantId: string; standardCode: string; evaluatorId: string; verdict: Verdict }
>;

export type IssueCertificate = Command<'IssueCertificate', { servantId: string; standardCode: string; folio: string }>;

/** One folio of a DeliverCertificates batch, decided on the certification stream the folio points at. */
export type DeliverCertificate = Command<'DeliverCertificate', { folio: string; ceremony: string }>;

export type RevokeCertificate = Command<'RevokeCertificate', { folio: string; reason: string }>;

export type ReissueCertificate = Command<'ReissueCertificate', { folio: string; printedFolio: string; reason: string }>;

export type CertificationCommand =
  | EnrollInTraining
  | CompleteTraining
  | RecordVerdict
  | IssueCertificate
  | DeliverCertificate
  | RevokeCertificate
  | ReissueCertificate;
