import { certificationDecider, type CertificationDeps } from '../certifications/decide.js';
import { certificationStreamId, folioStreamId, printedFolioStreamId } from '../certifications/events.js';
import type { CertificationState } from '../certifications/state.js';
import { evaluatorDecider } from '../evaluators/decide.js';
import { evaluatorStreamId } from '../evaluators/events.js';
import type {
  CompleteTraining,
  DeliverCertificates,
  EnrollInTraining,
  IssueCertificate,
  RecordVerdict,
  ReissueCertificate,
  RevokeCertificate,
} from '../office.js';
import { servantDecider } from '../servants/decide.js';
import { servantStreamId } from '../servants/events.js';
import type { FoldedStreams, StreamRead } from '../shared/command-handler.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import type { CommandContext } from '../shared/event.js';
import { parseFolio, parseStandardCode, requireId, requireText } from '../shared/validation.js';
import { standardDecider } from '../standards/decide.js';
import { standardStreamId } from '../standards/events.js';
import { claimGuard } from './guards.js';
import { command, type HandlerKit } from './kit.js';

type CertificationCommand = Parameters<typeof certificationDecider.decide>[0];

interface Target {
  servantId: string;
  standardCode: string;
  streamId: string;
}

function target(servantId: string, standardCode: string): Target {
  const id = requireId(servantId, 'servantId');
  const code = parseStandardCode(standardCode, 'standardCode');
  return { servantId: id, standardCode: code, streamId: certificationStreamId(id, code) };
}

/** Reads what a certification decision depends on from the other streams, at decision time. */
async function loadDeps(folded: FoldedStreams, t: Target, evaluatorId?: string) {
  const [standard, servant, evaluator] = await Promise.all([
    folded.current(standardStreamId(t.standardCode), standardDecider),
    folded.current(servantStreamId(t.servantId), servantDecider),
    evaluatorId ? folded.current(evaluatorStreamId(evaluatorId), evaluatorDecider) : undefined,
  ]);
  return { standard, servant, evaluator };
}

function certificationRequest(t: Target, certificationCommand: CertificationCommand, context: CommandContext, evaluatorId?: string, presumeNew = false) {
  return {
    streamId: t.streamId,
    decider: certificationDecider,
    command: certificationCommand,
    context,
    loadDepsAlongside: (folded: FoldedStreams) => loadDeps(folded, t, evaluatorId),
    presumeNew,
  };
}

type CertificationRequest = ReturnType<typeof certificationRequest>;

async function decideAndAppend(
  kit: HandlerKit,
  t: Target,
  request: CertificationRequest,
  options: { expectedVersion?: number | null; prechecked?: StreamRead<CertificationState, CertificationDeps> | null } = {},
) {
  const result = await kit.handler.handle({ ...request, expectedVersion: options.expectedVersion, prechecked: options.prechecked ?? undefined });
  return { position: result.position, servantId: t.servantId, standardCode: t.standardCode };
}

type StepInput = { EnrollInTraining: EnrollInTraining; CompleteTraining: CompleteTraining; RecordVerdict: RecordVerdict };

/** Training and evaluation steps, addressed by servant and standard. */
export async function handleCertificationStep<Type extends keyof StepInput>(
  kit: HandlerKit,
  type: Type,
  input: StepInput[Type],
  context: CommandContext,
) {
  const t = target(input.servantId, input.standardCode);
  const evaluatorId = 'evaluatorId' in input ? requireId(input.evaluatorId, 'evaluatorId') : undefined;
  const data = { ...input, servantId: t.servantId, standardCode: t.standardCode, ...(evaluatorId ? { evaluatorId } : {}) };
  const expectedVersion = 'expectedVersion' in input ? input.expectedVersion : null;
  const step = command(type, data, context) as unknown as CertificationCommand;
  // An enrolment mostly opens a certification: presumed new unless this handler kept it.
  const request = certificationRequest(t, step, context, evaluatorId, type === 'EnrollInTraining');
  return decideAndAppend(kit, t, request, { expectedVersion });
}

/**
 * Issuing claims the folio's guard stream after a dry run of the decision, so a
 * refused issuance never uses up a folio.
 */
export async function issueCertificate(kit: HandlerKit, input: IssueCertificate, context: CommandContext) {
  const t = target(input.servantId, input.standardCode);
  const folio = parseFolio(input.folio);
  const issuance = command('IssueCertificate', { ...input, servantId: t.servantId, standardCode: t.standardCode, folio }, context);
  const request = certificationRequest(t, issuance as CertificationCommand, context);
  const prechecked = await kit.handler.precheck(request);
  if (prechecked) {
    const assignment = { type: 'FolioAssigned', data: { folio, certificationStreamId: t.streamId, servantId: t.servantId, standardCode: t.standardCode } };
    const issued = await kit.handler.handleClaiming({ ...request, expectedVersion: input.expectedVersion, prechecked }, { streamId: folioStreamId(folio), event: assignment });
    if (issued) return { position: issued.position, servantId: t.servantId, standardCode: t.standardCode };
    await claimGuard(
      kit,
      {
        streamId: folioStreamId(folio),
        event: assignment,
        owner: t.streamId,
        ownerOf: (event) => String(event.data.certificationStreamId),
        isAbandoned: async (holder) => !(await certificateStreamHolds(kit, holder, folio)),
        conflictMessage: `Folio ${folio} is already assigned`,
      },
      context,
    );
  }
  return decideAndAppend(kit, t, request, { expectedVersion: input.expectedVersion });
}

async function certificateStreamHolds(kit: HandlerKit, streamId: string, folio: string): Promise<boolean> {
  const events = await kit.handler.readStream(streamId);
  return events.some((e) => e.type === 'CertificateIssued' && e.data.folio === folio);
}

/** The certification a folio was assigned to. */
async function targetOfFolio(kit: HandlerKit, folio: string): Promise<Target> {
  const guard = await kit.handler.readStream(folioStreamId(folio));
  const assigned = guard.at(-1);
  if (!assigned || !(await certificateStreamHolds(kit, String(assigned.data.certificationStreamId), folio))) {
    throw new NotFoundError(`Certificate ${folio} does not exist`);
  }
  return target(String(assigned.data.servantId), String(assigned.data.standardCode));
}

export async function revokeCertificate(kit: HandlerKit, input: RevokeCertificate, context: CommandContext) {
  const folio = parseFolio(input.folio);
  const t = await targetOfFolio(kit, folio);
  const revocation = command('RevokeCertificate', { ...input, folio }, context) as CertificationCommand;
  const result = await decideAndAppend(kit, t, certificationRequest(t, revocation, context));
  return { position: result.position, folio };
}

/**
 * A reprint claims the new paper's printed folio (stream `printed-folio-…`,
 * after a dry run, so a refused reprint uses none up), and may not take a
 * CONOCER folio already issued. Issuance does not check the other way round
 * (it would cost every issuance a read for a rare reprint): a CONOCER folio
 * equal to an older printed folio wins in verifyCertificate.
 */
export async function reissueCertificate(kit: HandlerKit, input: ReissueCertificate, context: CommandContext) {
  const folio = parseFolio(input.folio);
  const printedFolio = parseFolio(input.printedFolio, 'printedFolio');
  const t = await targetOfFolio(kit, folio);
  const reissue = command('ReissueCertificate', { ...input, folio, printedFolio }, context) as CertificationCommand;
  const request = certificationRequest(t, reissue, context);
  const prechecked = await kit.handler.precheck(request);
  if (prechecked) {
    if ((await kit.handler.readStream(folioStreamId(printedFolio))).length > 0) {
      throw new ConflictError(`${printedFolio} is a certificate's folio; a printed folio must differ from every folio`);
    }
    await claimGuard(
      kit,
      {
        streamId: printedFolioStreamId(printedFolio),
        event: { type: 'PrintedFolioAssigned', data: { printedFolio, folio } },
        owner: folio,
        ownerOf: (event) => String(event.data.folio),
        isAbandoned: async (holder) => !(await reprintedWith(kit, holder, printedFolio)),
        conflictMessage: `Printed folio ${printedFolio} is already in use`,
      },
      context,
    );
  }
  const result = await decideAndAppend(kit, t, request, { prechecked });
  return { position: result.position, folio };
}

async function reprintedWith(kit: HandlerKit, folio: string, printedFolio: string): Promise<boolean> {
  const t = await targetOfFolio(kit, folio);
  const events = await kit.handler.readStream(t.streamId);
  return events.some((e) => e.type === 'CertificateReissued' && e.data.printedFolio === printedFolio);
}

/**
 * A ceremony delivers many certificates, each in its own stream. Every folio is
 * checked before anything is written, so one bad folio refuses the whole batch.
 */
export async function deliverCertificates(kit: HandlerKit, input: DeliverCertificates, context: CommandContext) {
  const ceremony = requireText(input.ceremony, 'ceremony');
  const folios = [...new Set(input.folios.map((folio) => parseFolio(folio, 'folios')))];
  const deliveries = await Promise.all(
    folios.map(async (folio) => {
      const t = await targetOfFolio(kit, folio);
      const delivery = command('DeliverCertificate', { folio, ceremony }, context) as CertificationCommand;
      const request = certificationRequest(t, delivery, context);
      return { t, request, prechecked: await kit.handler.precheck(request) };
    }),
  );
  let position = 0n;
  for (const { t, request, prechecked } of deliveries) {
    const result = await decideAndAppend(kit, t, request, { prechecked });
    if (result.position > position) position = result.position;
  }
  return { position, folios };
}
