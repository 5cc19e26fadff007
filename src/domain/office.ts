/**
 * The write side as the outside world sees it: one method per command of the
 * public contract. Implemented by the command handlers (src/domain/*), wired in
 * src/app, called by GraphQL mutations, the CLI and the demo seed.
 */
import type { CommandContext } from './shared/event.js';
import type { EmploymentRegime, Modality, Verdict } from './shared/vocabulary.js';

/** What every accepted command returns: the global position of its last event. */
export interface CommandResult {
  position: bigint;
}

export interface PublishStandard { code: string; title: string; level: number; sector?: string | null; validityYears?: number | null }
export interface WithdrawStandard { code: string; reason: string }
export interface RegisterServant {
  id?: string | null;
  curp: string;
  fullName: string;
  state: string;
  municipality: string;
  department: string;
  position?: string | null;
  regime: EmploymentRegime;
  unionized: boolean;
}
export interface ChangeEmployment {
  servantId: string;
  expectedVersion?: number | null;
  department?: string | null;
  position?: string | null;
  regime?: EmploymentRegime | null;
  unionized?: boolean | null;
}
export interface SeparateServant { servantId: string; expectedVersion?: number | null; reason: string }
export interface ErasePersonalData { servantId: string; reason: string }
export interface AccreditEvaluator {
  id?: string | null;
  fullName: string;
  certificationBody: string;
  ec0076Folio: string;
  standardCodes: string[];
  validUntil: Date;
}
export interface EnrollInTraining { servantId: string; standardCode: string; provider: string; modality: Modality }
export interface CompleteTraining { servantId: string; standardCode: string; expectedVersion?: number | null; hours: number }
export interface RecordVerdict {
  servantId: string;
  standardCode: string;
  expectedVersion?: number | null;
  evaluatorId: string;
  verdict: Verdict;
}
export interface IssueCertificate { servantId: string; standardCode: string; expectedVersion?: number | null; folio: string }
export interface DeliverCertificates { folios: string[]; ceremony: string }
export interface RevokeCertificate { folio: string; reason: string }
export interface ReissueCertificate { folio: string; printedFolio: string; reason: string }
export interface SetGoal {
  id?: string | null;
  state: string;
  municipality: string;
  target: number;
  startsAt: Date;
  deadline: Date;
  description?: string | null;
}

export interface Office {
  publishStandard(cmd: PublishStandard, ctx: CommandContext): Promise<CommandResult & { code: string }>;
  withdrawStandard(cmd: WithdrawStandard, ctx: CommandContext): Promise<CommandResult & { code: string }>;
  registerServant(cmd: RegisterServant, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  changeEmployment(cmd: ChangeEmployment, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  separateServant(cmd: SeparateServant, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  erasePersonalData(cmd: ErasePersonalData, ctx: CommandContext): Promise<CommandResult & { servantId: string }>;
  accreditEvaluator(cmd: AccreditEvaluator, ctx: CommandContext): Promise<CommandResult & { evaluatorId: string }>;
  enrollInTraining(cmd: EnrollInTraining, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  completeTraining(cmd: CompleteTraining, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  recordVerdict(cmd: RecordVerdict, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  issueCertificate(cmd: IssueCertificate, ctx: CommandContext): Promise<CommandResult & { servantId: string; standardCode: string }>;
  deliverCertificates(cmd: DeliverCertificates, ctx: CommandContext): Promise<CommandResult & { folios: string[] }>;
  revokeCertificate(cmd: RevokeCertificate, ctx: CommandContext): Promise<CommandResult & { folio: string }>;
  reissueCertificate(cmd: ReissueCertificate, ctx: CommandContext): Promise<CommandResult & { folio: string }>;
  setGoal(cmd: SetGoal, ctx: CommandContext): Promise<CommandResult & { goalId: string }>;
}
