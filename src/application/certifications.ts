import type { CertificationCommand, CertificationKey } from '../domain/certifications/commands.js';
import { certificationDecider, type CertificationDeps } from '../domain/certifications/decide.js';
import { certificationStreamId } from '../domain/certifications/events.js';
import { evaluatorDecider } from '../domain/evaluators/decide.js';
import { evaluatorStreamId } from '../domain/evaluators/events.js';
import { servantDecider } from '../domain/servants/decide.js';
import { servantStreamId } from '../domain/servants/events.js';
import type { CommandContext } from '../domain/shared/event.js';
import {
  parseEvaluatorId,
  parseFolio,
  parsePrintedFolio,
  parseServantId,
  parseStandardCode,
  requireText,
  type EvaluatorId,
} from '../domain/shared/validation.js';
import { standardDecider } from '../domain/standards/decide.js';
import { standardStreamId } from '../domain/standards/events.js';
import type { CommandRequest } from './command-handler.js';
import { timesOf, type UseCaseKit } from './kit.js';
import type {
  CompleteTrainingInput,
  DeliverCertificatesInput,
  EnrollInTrainingInput,
  IssueCertificateInput,
  RecordVerdictInput,
  ReissueCertificateInput,
  RevokeCertificateInput,
} from './office.js';

type CertificationRequest = CommandRequest<
  ReturnType<typeof certificationDecider.initialState>,
  CertificationCommand,
  ReturnType<typeof certificationDecider.decide>[number],
  CertificationDeps
>;

const keyOf = (input: { servantId: string; standardCode: string }): CertificationKey => ({
  servantId: parseServantId(input.servantId),
  standardCode: parseStandardCode(input.standardCode),
});

/** A command on the certification `key` names: its deps (standard, servant, and the evaluator of a verdict) read alongside it. */
function certificationRequest(
  key: CertificationKey,
  command: CertificationCommand,
  context: CommandContext,
  options: Pick<CertificationRequest, 'expectedVersion' | 'presumeNew' | 'beforeAppend' | 'claimTogether'> & { evaluatorId?: EvaluatorId } = {},
): CertificationRequest {
  const { evaluatorId, ...rest } = options;
  return {
    streamId: certificationStreamId(key.servantId, key.standardCode),
    decider: certificationDecider,
    command,
    context,
    deps: {
      alongside: async (streams) => {
        const [standard, servant, evaluator] = await Promise.all([
          streams.current(standardStreamId(key.standardCode), standardDecider),
          streams.current(servantStreamId(key.servantId), servantDecider),
          evaluatorId ? streams.current(evaluatorStreamId(evaluatorId), evaluatorDecider) : undefined,
        ]);
        return { standard, servant, evaluator };
      },
    },
    ...rest,
  };
}

async function handleStep(kit: UseCaseKit, key: CertificationKey, request: CertificationRequest) {
  const { position } = await kit.handler.handle(request);
  return { position, servantId: key.servantId, standardCode: key.standardCode };
}

export async function enrollInTraining(kit: UseCaseKit, input: EnrollInTrainingInput, context: CommandContext) {
  const key = keyOf(input);
  const command: CertificationCommand = { type: 'EnrollInTraining', data: { ...input, ...key }, ...timesOf(context) };
  // An enrolment mostly opens a certification: presumed new unless this process kept it.
  return handleStep(kit, key, certificationRequest(key, command, context, { presumeNew: true }));
}

export async function completeTraining(kit: UseCaseKit, { expectedVersion, ...input }: CompleteTrainingInput, context: CommandContext) {
  const key = keyOf(input);
  const command: CertificationCommand = { type: 'CompleteTraining', data: { ...input, ...key }, ...timesOf(context) };
  return handleStep(kit, key, certificationRequest(key, command, context, { expectedVersion }));
}

export async function recordVerdict(kit: UseCaseKit, { expectedVersion, ...input }: RecordVerdictInput, context: CommandContext) {
  const key = keyOf(input);
  const evaluatorId = parseEvaluatorId(input.evaluatorId);
  const command: CertificationCommand = { type: 'RecordVerdict', data: { ...input, ...key, evaluatorId }, ...timesOf(context) };
  return handleStep(kit, key, certificationRequest(key, command, context, { expectedVersion, evaluatorId }));
}

/**
 * Issuing claims the folio once the decision is known to succeed, so a refused
 * issuance never uses one up: in the issuance's own transaction where the store
 * can, by its guard stream first otherwise.
 */
export async function issueCertificate(kit: UseCaseKit, { expectedVersion, ...input }: IssueCertificateInput, context: CommandContext) {
  const key = keyOf(input);
  const folio = parseFolio(input.folio);
  const command: CertificationCommand = { type: 'IssueCertificate', data: { ...key, folio }, ...timesOf(context) };
  return handleStep(
    kit,
    key,
    certificationRequest(key, command, context, {
      expectedVersion,
      claimTogether: kit.claims.folioAssignment(folio, key),
      beforeAppend: () => kit.claims.folio(folio, key, context),
    }),
  );
}

export async function revokeCertificate(kit: UseCaseKit, input: RevokeCertificateInput, context: CommandContext) {
  const folio = parseFolio(input.folio);
  const key = await kit.claims.certificationOf(folio);
  const command: CertificationCommand = { type: 'RevokeCertificate', data: { ...input, folio }, ...timesOf(context) };
  const { position } = await handleStep(kit, key, certificationRequest(key, command, context));
  return { position, folio };
}

/**
 * A reprint claims the new paper's printed folio once the decision is known to
 * succeed, and may not take a CONOCER folio already issued. Issuance does not
 * check the other way round (it would cost every issuance a read for a rare
 * reprint): a CONOCER folio equal to an older printed folio wins in verifyCertificate.
 */
export async function reissueCertificate(kit: UseCaseKit, input: ReissueCertificateInput, context: CommandContext) {
  const folio = parseFolio(input.folio);
  const printedFolio = parsePrintedFolio(input.printedFolio);
  const key = await kit.claims.certificationOf(folio);
  const command: CertificationCommand = { type: 'ReissueCertificate', data: { ...input, folio, printedFolio }, ...timesOf(context) };
  const { position } = await handleStep(
    kit,
    key,
    certificationRequest(key, command, context, { beforeAppend: () => kit.claims.printedFolio(printedFolio, folio, context) }),
  );
  return { position, folio };
}

/**
 * A ceremony delivers many certificates, each in its own stream. Every folio is
 * decided before anything is written, so one bad folio refuses the whole batch.
 */
export async function deliverCertificates(kit: UseCaseKit, input: DeliverCertificatesInput, context: CommandContext) {
  const ceremony = requireText(input.ceremony, 'ceremony');
  const folios = [...new Set(input.folios.map((folio) => parseFolio(folio, 'folios')))];
  const deliveries = await Promise.all(
    folios.map(async (folio) => {
      const key = await kit.claims.certificationOf(folio);
      const command: CertificationCommand = { type: 'DeliverCertificate', data: { folio, ceremony }, ...timesOf(context) };
      const request = certificationRequest(key, command, context);
      await kit.handler.check(request);
      return { key, request };
    }),
  );
  let position = 0n;
  for (const { key, request } of deliveries) {
    const result = await handleStep(kit, key, request);
    if (result.position > position) position = result.position;
  }
  return { position, folios };
}
