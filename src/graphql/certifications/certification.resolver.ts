import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseStandardCode, requireId } from '../../domain/shared/validation.js';
import type { CertificateView, ServantView, StandardView } from '../../projections/read-model.js';
import { AuditEvent, toAuditEvent } from '../audit/audit-event.type.js';
import { authorize } from '../../application/authorization.js';
import { Authorized } from '../auth.js';
import { Certificate } from '../certificates/certificate.type.js';
import type { GraphQLContext } from '../context.js';
import { DateTimeScalar, positionString } from '../scalars.js';
import { Servant } from '../servants/servant.type.js';
import { assertServantInScope, visibleServant } from '../servants/servant-scope.js';
import { mustExist, runCommand } from '../shared/command.js';
import { INPUT_DESCRIPTION } from '../shared/command.input.js';
import { CompetencyStandard } from '../standards/standard.type.js';
import { certificationAsOf } from './certification-as-of.js';
import {
  CompleteTrainingInput,
  EnrollInTrainingInput,
  IssueCertificateInput,
  RecordVerdictInput,
} from './certification.input.js';
import { Certification, CertificationPayload, type CertificationRoot } from './certification.type.js';

@Resolver(() => Certification)
export class CertificationResolver {
  @Authorized('certification:read')
  @Query(() => Certification, {
    nullable: true,
    description:
      "Signed-in callers: one servant's certification in one standard, or null (none, or for a REGISTRAR a servant outside its municipality). With asOf: the state rebuilt from the events recorded up to that time.",
  })
  async certification(
    @Arg('servantId', () => ID, { description: 'Servant.id.' }) servantId: string,
    @Arg('standardCode', () => String, { description: 'EC code, e.g. EC0105.' }) standardCode: string,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'A past instant (recorded time): show the certification as the log held it then. Absent: now.' }) asOf: Date | null | undefined,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationRoot | null> {
    const id = requireId(servantId, 'servantId');
    const code = parseStandardCode(standardCode);
    if (!visibleServant(context, 'certification:read', await context.loaders.servants.load(id))) return null;
    if (asOf) return certificationAsOf(context, id, code, asOf);
    return context.deps.readModel.certification(id, code, context.now);
  }

  @FieldResolver(() => Servant, { description: 'The servant on this path.' })
  async servant(@Root() certification: CertificationRoot, @Ctx() { loaders }: GraphQLContext): Promise<ServantView> {
    return mustExist(await loaders.servants.load(certification.servantId), `Servant ${certification.servantId}`);
  }

  /** Synchronous when Servant.certifications fetched the standards ahead. */
  @FieldResolver(() => CompetencyStandard, { description: 'The standard it certifies against.' })
  standard(@Root() { standardCode }: CertificationRoot, @Ctx() { loaders }: GraphQLContext): StandardView | Promise<StandardView> {
    const exists = (standard: StandardView | null) => mustExist(standard, `Standard ${standardCode}`);
    const kept = loaders.standards.kept(standardCode);
    return kept ? exists(kept.value) : loaders.standards.load(standardCode).then(exists);
  }

  /** Synchronous when Servant.certifications fetched the certificates ahead. */
  @FieldResolver(() => Certificate, { nullable: true, description: 'The latest certificate issued on this path (whatever its status); null before the first.' })
  certificate(@Root() certification: CertificationRoot, @Ctx() { loaders }: GraphQLContext): CertificateView | null | Promise<CertificateView | null> {
    if (certification.certificateAsOf !== undefined) return certification.certificateAsOf;
    if (!certification.folio) return null;
    return loaders.certificates.kept(certification.folio)?.value ?? loaders.certificates.load(certification.folio);
  }

  @Authorized('audit:read')
  @FieldResolver(() => [AuditEvent], { description: "AUDITOR and ADMIN: every event of this certification's stream, oldest first." })
  async history(@Root() certification: CertificationRoot, @Ctx() { deps }: GraphQLContext): Promise<AuditEvent[]> {
    const events = await deps.store.readStream(certification.id);
    return events.map(toAuditEvent);
  }

  @Authorized('training:enroll')
  @Mutation(() => CertificationPayload, { description: "ADMIN, or a REGISTRAR of the servant's municipality: opens a training (stage IN_TRAINING)." })
  async enrollInTraining(
    @Arg('input', () => EnrollInTrainingInput, { description: INPUT_DESCRIPTION }) input: EnrollInTrainingInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    await assertServantInScope(context, 'training:enroll', input.servantId);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.enrollInTraining(command, ctx));
    return certificationPayload(context, result);
  }

  @Authorized('training:complete')
  @Mutation(() => CertificationPayload, { description: "ADMIN, or a REGISTRAR of the servant's municipality: closes the open training (stage TRAINED)." })
  async completeTraining(
    @Arg('input', () => CompleteTrainingInput, { description: INPUT_DESCRIPTION }) input: CompleteTrainingInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    await assertServantInScope(context, 'training:complete', input.servantId);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.completeTraining(command, ctx));
    return certificationPayload(context, result);
  }

  @Authorized('verdict:record')
  @Mutation(() => CertificationPayload, { description: "ADMIN, or an EVALUATOR under its own evaluatorId: records a verdict (COMPETENT or NOT_YET_COMPETENT)." })
  async recordVerdict(
    @Arg('input', () => RecordVerdictInput, { description: INPUT_DESCRIPTION }) input: RecordVerdictInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    authorize(context.viewer, 'verdict:record', { evaluatorId: input.evaluatorId });
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.recordVerdict(command, ctx));
    return certificationPayload(context, result);
  }

  @Authorized('certificate:issue')
  @Mutation(() => CertificationPayload, { description: "ADMIN: issues the certificate after a COMPETENT verdict, valid for the standard's validityYears from occurredAt; certificateIssued subscribers hear of it." })
  async issueCertificate(
    @Arg('input', () => IssueCertificateInput, { description: INPUT_DESCRIPTION }) input: IssueCertificateInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    // certificateIssued subscribers hear of it from the committed log (src/notifications), not from here.
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.issueCertificate(command, ctx));
    return certificationPayload(context, result);
  }
}

async function certificationPayload(
  context: GraphQLContext,
  result: { servantId: string; standardCode: string; position: bigint },
): Promise<CertificationPayload> {
  const certification = mustExist(
    await context.deps.readModel.certification(result.servantId, result.standardCode, context.now),
    `Certification ${result.servantId} ${result.standardCode}`,
  );
  return { certification, position: positionString(result.position) };
}
