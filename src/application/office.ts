/**
 * The write side as the outside world sees it: one method per command of the
 * public contract (the use cases), wired in src/app, called alike by GraphQL
 * mutations, the CLI, the roster import and the demo seed. Each input is its
 * domain command's data as the edge receives it (ids, codes and folios as
 * plain strings); the use case parses those once into branded values, and
 * nothing below parses them again.
 */
import type {
  CompleteTraining,
  EnrollInTraining,
  IssueCertificate,
  RecordVerdict,
  ReissueCertificate,
  RevokeCertificate,
} from '../domain/certifications/commands.js';
import type { AccreditEvaluator } from '../domain/evaluators/commands.js';
import type { SetGoal } from '../domain/goals/commands.js';
import type { ChangeEmployment, ErasePersonalData, RegisterServant, SeparateServant } from '../domain/servants/commands.js';
import type { CommandContext } from '../domain/shared/event.js';
import type { Brand } from '../domain/shared/validation.js';
import type { PublishStandard, WithdrawStandard } from '../domain/standards/commands.js';

/** A command's data as the edge receives it: branded values as the strings they come from. */
export type Input<C extends { data: object }> = {
  [K in keyof C['data']]: C['data'][K] extends Brand<string> ? string : C['data'][K] extends Brand<string>[] ? string[] : C['data'][K];
};
/** The version of its stream the caller read; a stale one is CONFLICT. */
type Versioned = { expectedVersion?: number | null };
/** A new aggregate's id: given by the caller, or derived from the commandId (random without one). */
type NewId<I, K extends keyof I> = Omit<I, K> & { id?: string | null };

export type PublishStandardInput = Input<PublishStandard>;
export type WithdrawStandardInput = Input<WithdrawStandard>;
export type RegisterServantInput = NewId<Input<RegisterServant>, 'servantId'>;
export type ChangeEmploymentInput = Input<ChangeEmployment> & Versioned;
export type SeparateServantInput = Input<SeparateServant> & Versioned;
export type ErasePersonalDataInput = Input<ErasePersonalData>;
export type AccreditEvaluatorInput = NewId<Input<AccreditEvaluator>, 'evaluatorId'>;
export type EnrollInTrainingInput = Input<EnrollInTraining>;
export type CompleteTrainingInput = Input<CompleteTraining> & Versioned;
export type RecordVerdictInput = Input<RecordVerdict> & Versioned;
export type IssueCertificateInput = Input<IssueCertificate> & Versioned;
/** A ceremony: DeliverCertificate for each folio, all checked before any is recorded. */
export interface DeliverCertificatesInput {
  folios: string[];
  ceremony: string;
}
export type RevokeCertificateInput = Input<RevokeCertificate>;
export type ReissueCertificateInput = Input<ReissueCertificate>;
export type SetGoalInput = NewId<Input<SetGoal>, 'goalId'>;

/** What every accepted command returns: the global position of its last event. */
export interface CommandResult {
  position: bigint;
}

export interface Office {
  publishStandard(cmd: PublishStandardInput, ctx: CommandContext): Promise<CommandResult & { code: string }>;
  withdrawStandard(cmd: WithdrawStandardInput, ctx: CommandContext): Promise<CommandResult & { code: string }>;
  registerServant(cmd: RegisterServantInput, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  changeEmployment(cmd: ChangeEmploymentInput, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  separateServant(cmd: SeparateServantInput, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  erasePersonalData(cmd: ErasePersonalDataInput, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  accreditEvaluator(cmd: AccreditEvaluatorInput, ctx: CommandContext): Promise<CommandResult & { evaluatorId: string }>;
  enrollInTraining(cmd: EnrollInTrainingInput, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  completeTraining(cmd: CompleteTrainingInput, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  recordVerdict(cmd: RecordVerdictInput, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  issueCertificate(cmd: IssueCertificateInput, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  deliverCertificates(cmd: DeliverCertificatesInput, ctx: CommandContext): Promise<CommandResult & { folios: string[] }>;
  revokeCertificate(cmd: RevokeCertificateInput, ctx: CommandContext): Promise<CommandResult & { folio: string }>;
  reissueCertificate(cmd: ReissueCertificateInput, ctx: CommandContext): Promise<CommandResult & { folio: string }>;
  setGoal(cmd: SetGoalInput, ctx: CommandContext): Promise<CommandResult & { goalId: string }>;
}
