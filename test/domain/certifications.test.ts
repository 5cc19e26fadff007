import { describe, expect, it } from 'vitest';
import type { CertificationCommand } from '../../src/domain/certifications/commands.js';
import { certificationDecider, type CertificationDeps } from '../../src/domain/certifications/decide.js';
import type {
  CertificateDelivered,
  CertificateIssued,
  CertificateReissued,
  CertificateRevoked,
  CertificationEvent,
  TrainingCompleted,
  TrainingEnrolled,
  VerdictRecorded,
} from '../../src/domain/certifications/events.js';
import {
  certificateStatus,
  certificationStage,
  holdsValidCertificate,
  type CertificationStage,
} from '../../src/domain/certifications/stage.js';
import type { CertificationState, StartedCertification } from '../../src/domain/certifications/state.js';
import { evaluatorDecider } from '../../src/domain/evaluators/decide.js';
import type { EvaluatorState } from '../../src/domain/evaluators/state.js';
import { servantDecider } from '../../src/domain/servants/decide.js';
import type { ServantEvent } from '../../src/domain/servants/events.js';
import type { ServantState } from '../../src/domain/servants/state.js';
import { standardDecider } from '../../src/domain/standards/decide.js';
import type { StandardEvent } from '../../src/domain/standards/events.js';
import type { StandardState } from '../../src/domain/standards/state.js';
import { parseEvaluatorId, parseFolio, parsePrintedFolio, parseServantId, parseStandardCode } from '../../src/domain/shared/validation.js';
import { given } from '../support/decider-spec.js';

// ------------------------------------------------------------ the other streams, folded

const now = new Date('2025-06-01T12:00:00Z');
const servantId = parseServantId('6f1c1a44-3c1e-4bb0-9a55-0c1c3f6f2d10');
const evaluatorId = parseEvaluatorId('0b7f4d5e-2f53-4a43-9b0e-6a8f0d7c1e21');
const t = (iso: string) => new Date(iso);

const standard = (validityYears: number | null, withdrawn = false): StandardState => {
  const events: StandardEvent[] = [
    { type: 'StandardPublished', data: { code: 'EC0105', title: 'Atención al ciudadano', level: 2, sector: null, validityYears } },
  ];
  if (withdrawn) events.push({ type: 'StandardWithdrawn', data: { code: 'EC0105', reason: 'Replaced' } });
  return events.reduce(standardDecider.evolve, standardDecider.initialState());
};

const servant = (separated = false): ServantState => {
  const events: ServantEvent[] = [
    {
      type: 'ServantRegistered',
      data: {
        servantId,
        personalData: 'sealed',
        state: 'Baja California',
        municipality: 'Tijuana',
        department: 'Tesorería Municipal',
        position: null,
        regime: 'BASE',
        unionized: true,
      },
    },
  ];
  if (separated) events.push({ type: 'ServantSeparated', data: { servantId, reason: 'Resigned' } });
  return events.reduce(servantDecider.evolve, servantDecider.initialState());
};

const evaluator = (standardCodes = ['EC0105'], validUntil = '2027-12-31T23:59:59.000Z'): EvaluatorState =>
  evaluatorDecider.evolve(evaluatorDecider.initialState(), {
    type: 'EvaluatorAccredited',
    data: { evaluatorId, fullName: 'Lucía Ortiz', certificationBody: 'UTT', ec0076Folio: 'D-1', standardCodes, validUntil },
  });

const deps = (change: Partial<CertificationDeps> = {}): CertificationDeps => ({
  standard: standard(5),
  servant: servant(),
  evaluator: evaluator(),
  ...change,
});

// ------------------------------------------------------------ commands and events

const key = { servantId, standardCode: parseStandardCode('EC0105') };
const enroll = (at: string, change: Partial<{ provider: string; modality: 'VIRTUAL' }> = {}): CertificationCommand => ({
  type: 'EnrollInTraining',
  data: { ...key, provider: 'Ayuntamiento de Tijuana', modality: 'PRESENTIAL', ...change },
  occurredAt: t(at),
  now,
});
const complete = (at: string, hours = 40): CertificationCommand => ({
  type: 'CompleteTraining',
  data: { ...key, hours },
  occurredAt: t(at),
  now,
});
const evaluate = (at: string, verdict: 'COMPETENT' | 'NOT_YET_COMPETENT' = 'COMPETENT'): CertificationCommand => ({
  type: 'RecordVerdict',
  data: { ...key, evaluatorId, verdict },
  occurredAt: t(at),
  now,
});
const issue = (at: string, folio = 'UTT-2018-000179'): CertificationCommand => ({
  type: 'IssueCertificate',
  data: { ...key, folio: parseFolio(folio) },
  occurredAt: t(at),
  now,
});
const deliver = (at: string, folio = 'UTT-2018-000179'): CertificationCommand => ({
  type: 'DeliverCertificate',
  data: { folio: parseFolio(folio), ceremony: 'Entrega de certificados 2018' },
  occurredAt: t(at),
  now,
});
const revoke = (at: string, folio = 'UTT-2018-000179'): CertificationCommand => ({
  type: 'RevokeCertificate',
  data: { folio: parseFolio(folio), reason: 'Evidence found forged' },
  occurredAt: t(at),
  now,
});

const enrolled = (at: string): TrainingEnrolled => ({
  type: 'TrainingEnrolled',
  data: { ...key, provider: 'Ayuntamiento de Tijuana', modality: 'PRESENTIAL', enrolledAt: t(at).toISOString() },
});
const completed = (at: string, hours = 40): TrainingCompleted => ({
  type: 'TrainingCompleted',
  data: { ...key, hours, completedAt: t(at).toISOString() },
});
const verdict = (at: string, attempt: number, value: 'COMPETENT' | 'NOT_YET_COMPETENT' = 'COMPETENT'): VerdictRecorded => ({
  type: 'VerdictRecorded',
  data: { ...key, evaluatorId, verdict: value, attempt, evaluatedAt: t(at).toISOString() },
});
const holder = { state: 'Baja California', municipality: 'Tijuana', department: 'Tesorería Municipal', regime: 'BASE', unionized: true } as const;
const issued = (at: string, validUntil: string | null, folio = 'UTT-2018-000179'): CertificateIssued => ({
  type: 'CertificateIssued',
  data: { ...key, folio, issuedAt: t(at).toISOString(), validUntil, holder },
});
const delivered = (at: string, folio = 'UTT-2018-000179'): CertificateDelivered => ({
  type: 'CertificateDelivered',
  data: { ...key, folio, ceremony: 'Entrega de certificados 2018', deliveredAt: t(at).toISOString() },
});
const revoked = (at: string, folio = 'UTT-2018-000179'): CertificateRevoked => ({
  type: 'CertificateRevoked',
  data: { ...key, folio, reason: 'Evidence found forged', revokedAt: t(at).toISOString() },
});

/** The 2018 story: competent in September, certificate issued and delivered at the ceremony of 2018-09-18. */
const certified2018 = [verdict('2018-09-01T16:00:00Z', 1), issued('2018-09-18T17:00:00Z', '2023-09-18T17:00:00.000Z')];

/** The state after at least one event: started, or the test fails. */
function started(state: CertificationState): StartedCertification {
  if (!state.exists) throw new Error('the certification has not started');
  return state;
}

const fold = (events: CertificationEvent[]): StartedCertification =>
  started(events.reduce(certificationDecider.evolve, certificationDecider.initialState()));

// ------------------------------------------------------------ EnrollInTraining

describe('EnrollInTraining', () => {
  it('enrolls an active servant in an active standard', () => {
    given(certificationDecider, [], deps()).when(enroll('2018-03-01T15:00:00Z')).then([enrolled('2018-03-01T15:00:00Z')]);
  });

  it('normalises the provider (the standard code comes parsed from the edge)', () => {
    given(certificationDecider, [], deps())
      .when({
        type: 'EnrollInTraining',
        data: { servantId, standardCode: parseStandardCode(' ec0105'), provider: '  UTT ', modality: 'VIRTUAL' },
        occurredAt: t('2018-03-01T15:00:00Z'),
        now,
      })
      .then([{ type: 'TrainingEnrolled', data: { ...key, provider: 'UTT', modality: 'VIRTUAL', enrolledAt: '2018-03-01T15:00:00.000Z' } }]);
  });

  it('refuses a step dated before the last recorded step of the stream', () => {
    given(certificationDecider, [verdict('2018-10-02T00:00:00Z', 1), issued('2018-10-02T00:00:00Z', '2023-10-02T00:00:00.000Z')], deps())
      .when(evaluate('2018-10-01T00:00:00Z'))
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
  });

  it('refuses a second enrollment while one is open (ALREADY_IN_TRAINING)', () => {
    given(certificationDecider, [enrolled('2018-03-01T15:00:00Z')], deps())
      .when(enroll('2018-03-02T15:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'ALREADY_IN_TRAINING');
  });

  it('enrolls again for a retake after NOT_YET_COMPETENT', () => {
    given(certificationDecider, [enrolled('2018-03-01T15:00:00Z'), verdict('2018-05-10T15:00:00Z', 1, 'NOT_YET_COMPETENT')], deps())
      .when(enroll('2018-05-20T15:00:00Z'))
      .then([enrolled('2018-05-20T15:00:00Z')]);
  });

  it('refuses a withdrawn standard and a separated servant', () => {
    given(certificationDecider, [], deps({ standard: standard(5, true) }))
      .when(enroll('2018-03-01T15:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'STANDARD_NOT_ACTIVE');
    given(certificationDecider, [], deps({ servant: servant(true) }))
      .when(enroll('2018-03-01T15:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'SERVANT_NOT_ACTIVE');
  });

  it('refuses an unknown standard or servant (NOT_FOUND)', () => {
    given(certificationDecider, [], deps({ standard: standardDecider.initialState() }))
      .when(enroll('2018-03-01T15:00:00Z'))
      .thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps({ servant: servantDecider.initialState() }))
      .when(enroll('2018-03-01T15:00:00Z'))
      .thenThrows('NOT_FOUND');
  });

  it('refuses while a VALID certificate exists (2020) and allows renewal once it expired (2024)', () => {
    given(certificationDecider, certified2018, deps())
      .when(enroll('2020-03-01T15:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'ALREADY_CERTIFIED');
    given(certificationDecider, certified2018, deps()).when(enroll('2024-03-01T15:00:00Z')).then([enrolled('2024-03-01T15:00:00Z')]);
  });

  it('allows it after the certificate was revoked', () => {
    given(certificationDecider, [...certified2018, revoked('2019-01-10T00:00:00Z')], deps())
      .when(enroll('2020-03-01T15:00:00Z'))
      .then([enrolled('2020-03-01T15:00:00Z')]);
  });

  it('refuses bad input, naming the field', () => {
    const base = enroll('2018-03-01T15:00:00Z');
    const cases: [Record<string, unknown>, string][] = [
      [{ provider: ' ' }, 'provider'],
      [{ modality: 'ONLINE' }, 'modality'],
    ];
    for (const [change, field] of cases) {
      given(certificationDecider, [], deps())
        .when({ ...base, data: { ...base.data, ...change } } as CertificationCommand)
        .thenThrows('BAD_USER_INPUT', { field });
    }
    given(certificationDecider, [], deps())
      .when(enroll('2025-06-01T12:00:01Z'))
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
  });
});

// ------------------------------------------------------------ CompleteTraining

describe('CompleteTraining', () => {
  it('completes an open training', () => {
    given(certificationDecider, [enrolled('2018-03-01T15:00:00Z')], deps())
      .when(complete('2018-04-15T15:00:00Z', 40))
      .then([completed('2018-04-15T15:00:00Z', 40)]);
  });

  it('refuses an unknown standard, servant or certification (NOT_FOUND), whatever the training', () => {
    const training = [enrolled('2018-03-01T15:00:00Z')];
    given(certificationDecider, training, deps({ standard: standardDecider.initialState() })).when(complete('2018-04-15T15:00:00Z')).thenThrows('NOT_FOUND');
    given(certificationDecider, training, deps({ servant: servantDecider.initialState() })).when(complete('2018-04-15T15:00:00Z')).thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps({ servant: servantDecider.initialState() })).when(complete('2018-04-15T15:00:00Z')).thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps()).when(complete('2018-04-15T15:00:00Z')).thenThrows('NOT_FOUND');
  });

  it('refuses training never started in a started certification, already completed, or ended by a verdict (NOT_IN_TRAINING)', () => {
    given(certificationDecider, [verdict('2018-04-01T15:00:00Z', 1)], deps()).when(complete('2018-04-15T15:00:00Z')).thenThrows('BUSINESS_RULE', 'NOT_IN_TRAINING');
    given(certificationDecider, [enrolled('2018-03-01T15:00:00Z'), completed('2018-04-15T15:00:00Z')], deps())
      .when(complete('2018-04-16T15:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'NOT_IN_TRAINING');
    given(certificationDecider, [enrolled('2018-03-01T15:00:00Z'), verdict('2018-04-01T15:00:00Z', 1)], deps())
      .when(complete('2018-04-16T15:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'NOT_IN_TRAINING');
  });

  it('takes 1 to 2000 hours', () => {
    for (const hours of [0, 2001, 1.5, -3]) {
      given(certificationDecider, [enrolled('2018-03-01T15:00:00Z')], deps())
        .when(complete('2018-04-15T15:00:00Z', hours))
        .thenThrows('BAD_USER_INPUT', { field: 'hours' });
    }
  });
});

// ------------------------------------------------------------ RecordVerdict

describe('RecordVerdict', () => {
  it('records a first verdict without any training (alineación is optional)', () => {
    given(certificationDecider, [], deps()).when(evaluate('2018-09-01T16:00:00Z')).then([verdict('2018-09-01T16:00:00Z', 1)]);
  });

  it('numbers retakes after NOT_YET_COMPETENT', () => {
    given(certificationDecider, [enrolled('2018-03-01T15:00:00Z'), verdict('2018-05-10T15:00:00Z', 1, 'NOT_YET_COMPETENT')], deps())
      .when(evaluate('2018-06-01T15:00:00Z'))
      .then([verdict('2018-06-01T15:00:00Z', 2)]);
  });

  it('refuses an evaluator not accredited for the standard, or whose accreditation expired before occurredAt', () => {
    given(certificationDecider, [], deps({ evaluator: evaluator(['EC0217']) }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'EVALUATOR_NOT_ACCREDITED');
    given(certificationDecider, [], deps({ evaluator: evaluator(['EC0105'], '2018-08-31T23:59:59.000Z') }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'EVALUATOR_NOT_ACCREDITED');
    // Back-filled: the accreditation has expired by now but held when the evaluation happened.
    given(certificationDecider, [], deps({ evaluator: evaluator(['EC0105'], '2018-09-01T16:00:00.000Z') }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .then([verdict('2018-09-01T16:00:00Z', 1)]);
  });

  it('refuses an unknown evaluator, standard or servant (NOT_FOUND)', () => {
    given(certificationDecider, [], deps({ evaluator: undefined })).when(evaluate('2018-09-01T16:00:00Z')).thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps({ evaluator: evaluatorDecider.initialState() }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps({ standard: standardDecider.initialState() }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps({ servant: servantDecider.initialState() }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('NOT_FOUND');
  });

  it('refuses a withdrawn standard and a separated servant', () => {
    given(certificationDecider, [], deps({ standard: standard(5, true) }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'STANDARD_NOT_ACTIVE');
    given(certificationDecider, [], deps({ servant: servant(true) }))
      .when(evaluate('2018-09-01T16:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'SERVANT_NOT_ACTIVE');
  });

  it('refuses a retake in 2020 while the 2018 certificate is VALID, allows the renewal evaluation in 2024', () => {
    given(certificationDecider, certified2018, deps())
      .when(evaluate('2020-05-01T16:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'ALREADY_CERTIFIED');
    given(certificationDecider, certified2018, deps()).when(evaluate('2024-05-01T16:00:00Z')).then([verdict('2024-05-01T16:00:00Z', 2)]);
  });

  it('refuses bad input, naming the field', () => {
    const base = evaluate('2018-09-01T16:00:00Z');
    for (const [change, field] of [
      [{ verdict: 'COMPETENTE' }, 'verdict'],
    ] as const) {
      given(certificationDecider, [], deps())
        .when({ ...base, data: { ...base.data, ...change } } as CertificationCommand)
        .thenThrows('BAD_USER_INPUT', { field });
    }
  });
});

// ------------------------------------------------------------ IssueCertificate

describe('IssueCertificate', () => {
  it('issues after a COMPETENT verdict, valid for the standard validityYears, with a snapshot of the holder', () => {
    given(certificationDecider, [verdict('2018-09-01T16:00:00Z', 1)], deps())
      .when(issue('2018-09-18T17:00:00Z'))
      .then([issued('2018-09-18T17:00:00Z', '2023-09-18T17:00:00.000Z')]);
  });

  it('issues a permanent certificate when the standard has no validity', () => {
    given(certificationDecider, [verdict('2018-09-01T16:00:00Z', 1)], deps({ standard: standard(null) }))
      .when(issue('2018-09-18T17:00:00Z'))
      .then([issued('2018-09-18T17:00:00Z', null)]);
  });

  it('still issues once the servant was separated after being judged competent', () => {
    given(certificationDecider, [verdict('2018-09-01T16:00:00Z', 1)], deps({ servant: servant(true) }))
      .when(issue('2018-09-18T17:00:00Z'))
      .then([issued('2018-09-18T17:00:00Z', '2023-09-18T17:00:00.000Z')]);
  });

  it('refuses without a COMPETENT latest verdict, or a second certificate for the same verdict (NO_COMPETENT_VERDICT)', () => {
    for (const history of [
      [enrolled('2018-03-01T15:00:00Z'), completed('2018-04-01T15:00:00Z')],
      [verdict('2018-05-01T15:00:00Z', 1), verdict('2018-06-01T15:00:00Z', 2, 'NOT_YET_COMPETENT')],
      certified2018,
    ]) {
      given(certificationDecider, history, deps())
        .when(issue('2018-10-01T17:00:00Z', 'UTT-2018-000999'))
        .thenThrows('BUSINESS_RULE', 'NO_COMPETENT_VERDICT');
    }
  });

  it('refuses a certification, standard or servant that does not exist (NOT_FOUND) and a bad folio', () => {
    given(certificationDecider, [], deps()).when(issue('2018-09-18T17:00:00Z')).thenThrows('NOT_FOUND');
    given(certificationDecider, [verdict('2018-09-01T16:00:00Z', 1)], deps({ standard: standardDecider.initialState() }))
      .when(issue('2018-09-18T17:00:00Z'))
      .thenThrows('NOT_FOUND');
    // A folio that does not parse never reaches the decider.
    expect(() => issue('2018-09-18T17:00:00Z', 'UTT 2018')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'folio' } }));
  });
});

// ------------------------------------------------------------ DeliverCertificate and RevokeCertificate

describe('DeliverCertificate', () => {
  it('delivers at a ceremony', () => {
    given(certificationDecider, certified2018, deps()).when(deliver('2018-09-18T18:00:00Z')).then([delivered('2018-09-18T18:00:00Z')]);
  });

  it('refuses twice (ALREADY_DELIVERED) and a revoked certificate (CERTIFICATE_REVOKED)', () => {
    given(certificationDecider, [...certified2018, delivered('2018-09-18T18:00:00Z')], deps())
      .when(deliver('2018-09-19T18:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'ALREADY_DELIVERED');
    given(certificationDecider, [...certified2018, revoked('2018-09-18T17:30:00Z')], deps())
      .when(deliver('2018-09-18T18:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'CERTIFICATE_REVOKED');
  });

  it('refuses an unknown folio, a delivery before issuance and an empty ceremony', () => {
    given(certificationDecider, certified2018, deps()).when(deliver('2018-09-18T18:00:00Z', 'UTT-2018-000001')).thenThrows('NOT_FOUND');
    given(certificationDecider, [], deps()).when(deliver('2018-09-18T18:00:00Z')).thenThrows('NOT_FOUND');
    given(certificationDecider, certified2018, deps())
      .when(deliver('2018-09-18T16:59:59Z'))
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
    const base = deliver('2018-09-18T18:00:00Z');
    given(certificationDecider, certified2018, deps())
      .when({ ...base, data: { ...base.data, ceremony: '' } } as CertificationCommand)
      .thenThrows('BAD_USER_INPUT', { field: 'ceremony' });
  });

  it('acts on the folio named, also an older certificate after a renewal', () => {
    const renewed = [...certified2018, verdict('2024-05-01T16:00:00Z', 2), issued('2024-05-10T16:00:00Z', '2029-05-10T16:00:00.000Z', 'UTT-2024-000001')];
    given(certificationDecider, renewed, deps()).when(deliver('2024-05-11T16:00:00Z')).then([delivered('2024-05-11T16:00:00Z')]);
    const state = started(given(certificationDecider, [...renewed, delivered('2024-05-11T16:00:00Z')], deps()).state);
    expect(state.certificate).toMatchObject({ folio: 'UTT-2024-000001', deliveredAt: null });
    expect(state.certificates[0]).toMatchObject({ folio: 'UTT-2018-000179', deliveredAt: '2024-05-11T16:00:00.000Z' });
  });
});

describe('RevokeCertificate', () => {
  it('revokes, also a delivered certificate', () => {
    given(certificationDecider, [...certified2018, delivered('2018-09-18T18:00:00Z')], deps())
      .when(revoke('2019-01-10T00:00:00Z'))
      .then([revoked('2019-01-10T00:00:00Z')]);
  });

  it('refuses revoking twice (CERTIFICATE_REVOKED), an unknown folio and an empty reason', () => {
    given(certificationDecider, [...certified2018, revoked('2019-01-10T00:00:00Z')], deps())
      .when(revoke('2019-02-10T00:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'CERTIFICATE_REVOKED');
    given(certificationDecider, certified2018, deps()).when(revoke('2019-01-10T00:00:00Z', 'X-1')).thenThrows('NOT_FOUND');
    const base = revoke('2019-01-10T00:00:00Z');
    given(certificationDecider, certified2018, deps())
      .when({ ...base, data: { ...base.data, reason: ' ' } } as CertificationCommand)
      .thenThrows('BAD_USER_INPUT', { field: 'reason' });
  });
});

describe('ReissueCertificate', () => {
  const reissue = (at: string, printedFolio = 'P-000451', folio = 'UTT-2018-000179'): CertificationCommand => ({
    type: 'ReissueCertificate',
    data: { folio: parseFolio(folio), printedFolio: parsePrintedFolio(printedFolio), reason: 'Lost in a move' },
    occurredAt: t(at),
    now,
  });
  const reissued = (at: string, printedFolio: string, replacedPrintedFolio: string | null): CertificateReissued => ({
    type: 'CertificateReissued',
    data: { ...key, folio: 'UTT-2018-000179', printedFolio, replacedPrintedFolio, reason: 'Lost in a move', reissuedAt: t(at).toISOString() },
  });

  it('records the new paper and the one it replaces; the certificate keeps its folio and validity', () => {
    given(certificationDecider, certified2018, deps()).when(reissue('2019-03-01T00:00:00Z')).then([reissued('2019-03-01T00:00:00Z', 'P-000451', null)]);
    given(certificationDecider, [...certified2018, reissued('2019-03-01T00:00:00Z', 'P-000451', null)], deps())
      .when(reissue('2020-03-01T00:00:00Z', 'P-000900'))
      .then([reissued('2020-03-01T00:00:00Z', 'P-000900', 'P-000451')]);
    const state = fold([...certified2018, reissued('2019-03-01T00:00:00Z', 'P-000451', null), reissued('2020-03-01T00:00:00Z', 'P-000900', 'P-000451')]);
    expect(state.certificate).toMatchObject({ folio: 'UTT-2018-000179', printedFolio: 'P-000900', reissues: 2, validUntil: '2023-09-18T17:00:00.000Z' });
  });

  it('refuses a revoked or an expired certificate (CERTIFICATE_NOT_DELIVERABLE), the same paper again, and an unknown folio', () => {
    given(certificationDecider, [...certified2018, revoked('2019-01-10T00:00:00Z')], deps())
      .when(reissue('2019-03-01T00:00:00Z'))
      .thenThrows('BUSINESS_RULE', 'CERTIFICATE_NOT_DELIVERABLE');
    given(certificationDecider, certified2018, deps()).when(reissue('2023-09-18T17:00:00.001Z')).thenThrows('BUSINESS_RULE', 'CERTIFICATE_NOT_DELIVERABLE');
    given(certificationDecider, certified2018, deps()).when(reissue('2023-09-18T17:00:00Z')).then([reissued('2023-09-18T17:00:00Z', 'P-000451', null)]);
    given(certificationDecider, [...certified2018, reissued('2019-03-01T00:00:00Z', 'P-000451', null)], deps())
      .when(reissue('2020-03-01T00:00:00Z', 'P-000451'))
      .thenThrows('BAD_USER_INPUT', { field: 'printedFolio' });
    given(certificationDecider, certified2018, deps()).when(reissue('2019-03-01T00:00:00Z', 'UTT-2018-000179')).thenThrows('BAD_USER_INPUT', { field: 'printedFolio' });
    given(certificationDecider, certified2018, deps()).when(reissue('2019-03-01T00:00:00Z', 'P-1', 'X-1')).thenThrows('NOT_FOUND');
    expect(() => reissue('2019-03-01T00:00:00Z', 'P 1')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'printedFolio' } }));
  });
});

// ------------------------------------------------------------ time and stages

describe('certificateStatus', () => {
  const { certificate } = fold(certified2018);

  it('derives expiry from validUntil at the asked time', () => {
    expect(certificateStatus(certificate!, t('2020-01-01T00:00:00Z'))).toBe('VALID');
    expect(certificateStatus(certificate!, t('2023-09-18T17:00:00Z'))).toBe('VALID');
    expect(certificateStatus(certificate!, t('2023-09-18T17:00:00.001Z'))).toBe('EXPIRED');
    expect(certificateStatus(certificate!, t('2026-01-01T00:00:00Z'))).toBe('EXPIRED');
    expect(certificateStatus({ validUntil: null, revokedAt: null }, t('2100-01-01T00:00:00Z'))).toBe('VALID');
  });

  it('reads revocation in business time, and it wins over expiry', () => {
    const cert = fold([...certified2018, revoked('2019-01-10T00:00:00Z')]).certificate!;
    expect(certificateStatus(cert, t('2018-12-31T00:00:00Z'))).toBe('VALID');
    expect(certificateStatus(cert, t('2019-01-10T00:00:00Z'))).toBe('REVOKED');
    expect(certificateStatus(cert, t('2026-01-01T00:00:00Z'))).toBe('REVOKED');
  });

  it('holdsValidCertificate ignores certificates not yet issued at the asked time', () => {
    const state = fold(certified2018);
    expect(holdsValidCertificate(state, t('2018-09-18T16:59:59Z'))).toBe(false);
    expect(holdsValidCertificate(state, t('2018-09-18T17:00:00Z'))).toBe(true);
  });
});

describe('certificationStage over a full path', () => {
  it('follows training, a failed attempt, a retake, certification, expiry, renewal and revocation', () => {
    const steps: [CertificationCommand, string, CertificationStage][] = [
      [enroll('2018-03-01T15:00:00Z'), '2018-03-02T00:00:00Z', 'IN_TRAINING'],
      [complete('2018-04-15T15:00:00Z'), '2018-04-16T00:00:00Z', 'TRAINED'],
      [evaluate('2018-05-10T15:00:00Z', 'NOT_YET_COMPETENT'), '2018-05-11T00:00:00Z', 'NOT_YET_COMPETENT'],
      [enroll('2018-05-20T15:00:00Z', { modality: 'VIRTUAL', provider: 'UTT' }), '2018-05-21T00:00:00Z', 'IN_TRAINING'],
      [evaluate('2018-09-01T16:00:00Z'), '2018-09-02T00:00:00Z', 'COMPETENT'],
      [issue('2018-09-18T17:00:00Z'), '2020-01-01T00:00:00Z', 'CERTIFIED'],
      [deliver('2018-09-18T18:00:00Z'), '2026-01-01T00:00:00Z', 'EXPIRED'],
      [evaluate('2024-05-01T16:00:00Z'), '2024-05-02T00:00:00Z', 'COMPETENT'],
      [issue('2024-05-10T16:00:00Z', 'UTT-2024-000001'), '2025-01-01T00:00:00Z', 'CERTIFIED'],
      [revoke('2025-02-01T00:00:00Z', 'UTT-2024-000001'), '2025-03-01T00:00:00Z', 'REVOKED'],
    ];
    let state = certificationDecider.initialState();
    for (const [command, at, stage] of steps) {
      const events = certificationDecider.decide(command, state, deps());
      state = events.reduce(certificationDecider.evolve, state);
      expect({ command: command.type, stage: certificationStage(started(state), t(at)) }).toEqual({ command: command.type, stage });
    }
    const last = started(state);
    expect(last).toMatchObject({
      attempts: 3,
      lastVerdict: 'COMPETENT',
      trainingProvider: 'UTT',
      modality: 'VIRTUAL',
      trainingHours: null,
      trainingOpen: false,
      updatedAt: '2025-02-01T00:00:00.000Z',
      certificate: { folio: 'UTT-2024-000001', revocationReason: 'Evidence found forged' },
    });
    expect(last.certificates.map((c) => c.folio)).toEqual(['UTT-2018-000179', 'UTT-2024-000001']);
    // Revocation is read in business time too: before it, the renewed certificate was CERTIFIED.
    expect(certificationStage(last, t('2024-12-31T00:00:00Z'))).toBe('CERTIFIED');
  });

  it('keeps COMPETENT when the servant enrolls again before the certificate, and issuance ends that training', () => {
    const history = [verdict('2018-09-01T16:00:00Z', 1), enrolled('2018-09-05T16:00:00Z')];
    expect(certificationStage(fold(history), t('2018-09-06T00:00:00Z'))).toBe('COMPETENT');
    const after = fold([...history, issued('2018-09-18T17:00:00Z', '2023-09-18T17:00:00.000Z')]);
    expect(after.trainingOpen).toBe(false);
    expect(certificationStage(after, t('2018-09-19T00:00:00Z'))).toBe('CERTIFIED');
  });

  it('is nothing but not started before the first event (certificationStage takes only a started one)', () => {
    expect(certificationDecider.initialState()).toEqual({ exists: false });
    expect(fold([verdict('2018-09-01T16:00:00Z', 1)])).toMatchObject({ exists: true, servantId, standardCode: 'EC0105', phase: 'EVALUATED' });
  });
});
