import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseStandardCode, requireId } from '../../domain/shared/validation.js';
import type { CertificateView, ServantView, StandardView } from '../../projections/read-model.js';
import { AuditEvent, toAuditEvent } from '../audit/audit-event.type.js';
import { ADMINS, ANY_ROLE, AUDITORS, EVALUATORS, ForbiddenError, REGISTRARS } from '../auth.js';
import { Certificate } from '../certificates/certificate.type.js';
import type { GraphQLContext } from '../context.js';
import { DateTimeScalar, positionString } from '../scalars.js';
import { Servant } from '../servants/servant.type.js';
import { assertServantInScope, visibleServant } from '../servants/servant-scope.js';
import { mustExist, runCommand } from '../shared/command.js';
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
  @Authorized(ANY_ROLE)
  @Query(() => Certification, {
    nullable: true,
    description: 'With asOf: the state rebuilt from the events recorded up to that time.',
  })
  async certification(
    @Arg('servantId', () => ID) servantId: string,
    @Arg('standardCode', () => String) standardCode: string,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf: Date | null | undefined,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationRoot | null> {
    const id = requireId(servantId, 'servantId');
    const code = parseStandardCode(standardCode);
    if (!visibleServant(context, await context.loaders.servants.load(id))) return null;
    if (asOf) return certificationAsOf(context, id, code, asOf);
    return context.deps.readModel.certification(id, code, context.now);
  }

  @FieldResolver(() => Servant)
  async servant(@Root() certification: CertificationRoot, @Ctx() { loaders }: GraphQLContext): Promise<ServantView> {
    return mustExist(await loaders.servants.load(certification.servantId), `Servant ${certification.servantId}`);
  }

  /** Synchronous when Servant.certifications fetched the standards ahead. */
  @FieldResolver(() => CompetencyStandard)
  standard(@Root() { standardCode }: CertificationRoot, @Ctx() { loaders }: GraphQLContext): StandardView | Promise<StandardView> {
    const exists = (standard: StandardView | null) => mustExist(standard, `Standard ${standardCode}`);
    const kept = loaders.standards.kept(standardCode);
    return kept ? exists(kept.value) : loaders.standards.load(standardCode).then(exists);
  }

  /** Synchronous when Servant.certifications fetched the certificates ahead. */
  @FieldResolver(() => Certificate, { nullable: true })
  certificate(@Root() certification: CertificationRoot, @Ctx() { loaders }: GraphQLContext): CertificateView | null | Promise<CertificateView | null> {
    if (certification.certificateAsOf !== undefined) return certification.certificateAsOf;
    if (!certification.folio) return null;
    return loaders.certificates.kept(certification.folio)?.value ?? loaders.certificates.load(certification.folio);
  }

  @Authorized(AUDITORS)
  @FieldResolver(() => [AuditEvent], { description: "Every event of this certification's stream, oldest first." })
  async history(@Root() certification: CertificationRoot, @Ctx() { deps }: GraphQLContext): Promise<AuditEvent[]> {
    const events = await deps.store.readStream(certification.id);
    return events.map(toAuditEvent);
  }

  @Authorized(REGISTRARS)
  @Mutation(() => CertificationPayload)
  async enrollInTraining(
    @Arg('input', () => EnrollInTrainingInput) input: EnrollInTrainingInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    await assertServantInScope(context, input.servantId);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.enrollInTraining(command, ctx));
    return certificationPayload(context, result);
  }

  @Authorized(REGISTRARS)
  @Mutation(() => CertificationPayload)
  async completeTraining(
    @Arg('input', () => CompleteTrainingInput) input: CompleteTrainingInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    await assertServantInScope(context, input.servantId);
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.completeTraining(command, ctx));
    return certificationPayload(context, result);
  }

  @Authorized(EVALUATORS)
  @Mutation(() => CertificationPayload)
  async recordVerdict(
    @Arg('input', () => RecordVerdictInput) input: RecordVerdictInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificationPayload> {
    if (context.viewer?.role === 'EVALUATOR' && input.evaluatorId !== context.viewer.sub) {
      throw new ForbiddenError('An evaluator may only record verdicts under its own evaluatorId');
    }
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.recordVerdict(command, ctx));
    return certificationPayload(context, result);
  }

  @Authorized(ADMINS)
  @Mutation(() => CertificationPayload)
  async issueCertificate(
    @Arg('input', () => IssueCertificateInput) input: IssueCertificateInput,
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
