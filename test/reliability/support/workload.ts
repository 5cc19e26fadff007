/**
 * Concurrent clients doing what registrars and the certification office do:
 * register servants, enroll them, record verdicts (some NOT_YET_COMPETENT, then
 * a retake), issue certificates, change shared servants' employment with
 * expectedVersion (CONFLICT by design when two clients race), try to issue too
 * early (BUSINESS_RULE by design), and read between writes. Every mutation has a
 * commandId; the report lists what was acknowledged, refused as designed, or
 * went wrong, so the tests can hold the log and the read models against it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Answer, codeOf, gql, must } from './client.js';
import { fictitiousCurp, fictitiousName } from './people.js';

export const TIJUANA = { state: 'Baja California', municipality: 'Tijuana' } as const;
export const STANDARD = 'EC0105';

const M = {
  publishStandard: `mutation($input: PublishStandardInput!) { publishStandard(input: $input) { position } }`,
  accreditEvaluator: `mutation($input: AccreditEvaluatorInput!) { accreditEvaluator(input: $input) { position } }`,
  registerServant: `mutation($input: RegisterServantInput!) { registerServant(input: $input) { position servant { id version } } }`,
  changeEmployment: `mutation($input: ChangeEmploymentInput!) { changeEmployment(input: $input) { position servant { id version } } }`,
  enrollInTraining: `mutation($input: EnrollInTrainingInput!) { enrollInTraining(input: $input) { position certification { stage } } }`,
  completeTraining: `mutation($input: CompleteTrainingInput!) { completeTraining(input: $input) { position certification { stage } } }`,
  recordVerdict: `mutation($input: RecordVerdictInput!) { recordVerdict(input: $input) { position certification { stage attempts } } }`,
  issueCertificate: `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { position certification { stage certificate { folio status } } } }`,
} as const;

const Q = {
  servant: `query($id: ID!) { servant(id: $id) { id version fullName certifications { stage attempts } } }`,
  servants: `query { servants(first: 5) { totalCount edges { node { id municipality } } } }`,
  verify: `query($folio: String!) { verifyCertificate(folio: $folio) { found status holderInitials } }`,
  stats: `query { certificationStats(municipality: "Tijuana") { certifiedServants validCertificates inProgress } }`,
} as const;

/** The events each acknowledged mutation must have appended, once each. */
export const EVENTS_OF: Record<keyof typeof M, string[]> = {
  publishStandard: ['StandardPublished'],
  accreditEvaluator: ['EvaluatorAccredited'],
  registerServant: ['ServantRegistered'],
  changeEmployment: ['EmploymentChanged'],
  enrollInTraining: ['TrainingEnrolled'],
  completeTraining: ['TrainingCompleted'],
  recordVerdict: ['VerdictRecorded'],
  issueCertificate: ['CertificateIssued', 'FolioAssigned'],
};

export type MutationName = keyof typeof M;

export interface Acknowledged {
  op: MutationName;
  commandId: string;
  position: bigint;
}

export interface Refused {
  op: MutationName;
  commandId: string;
  code: string;
  rule?: string;
}

export interface WorkloadReport {
  clients: number;
  requests: number;
  acknowledged: Acknowledged[];
  refused: Refused[];
  /** Anything neither acknowledged nor refused as designed: the tests expect none. */
  unexpected: string[];
  /** Requests sent again (same commandId) after the server went away. */
  retries: number;
  servants: string[];
  folios: string[];
  /** Shared servants' acknowledged employment changes. */
  changes: Map<string, number>;
}

export interface Base {
  evaluatorId: string;
  shared: string[];
}

export interface WorkloadOptions {
  endpoint: string;
  adminToken: string;
  clients: number;
  durationMs: number;
  /** Tells this run's commandIds, CURPs and folios apart from another's. */
  run: string;
  /** First CURP seed of this run (each client takes 10,000). */
  seed?: number;
  /**
   * Servers get killed: a request that got no answer, or a 5xx/503, is sent
   * again with the same commandId until acknowledged (within `retryForMs`).
   */
  retryUnacknowledged?: boolean;
  retryForMs?: number;
}

const WHEN = (days: number) => new Date(Date.UTC(2018, 5, 1) + days * 86_400_000).toISOString();

export class Workload {
  readonly report: WorkloadReport;
  private deadline: number;
  private retryUntil: number;

  constructor(
    private readonly options: WorkloadOptions,
    private readonly base: Base,
  ) {
    this.report = {
      clients: options.clients,
      requests: 0,
      acknowledged: [],
      refused: [],
      unexpected: [],
      retries: 0,
      servants: [],
      folios: [],
      changes: new Map(base.shared.map((id) => [id, 0])),
    };
    this.deadline = Date.now() + options.durationMs;
    this.retryUntil = this.deadline + (options.retryForMs ?? 90_000);
  }

  /** Publishes the standard, accredits the evaluator and registers four shared servants (retried like any mutation). */
  static async seed(options: WorkloadOptions): Promise<{ base: Base; acknowledged: Acknowledged[] }> {
    const evaluatorId = randomUUID();
    const seeding = new Workload({ ...options, durationMs: 0, clients: 0 }, { evaluatorId, shared: [] });
    const { run } = options;
    await seeding.mutate('publishStandard', {
      commandId: `${run}-standard`,
      code: STANDARD,
      title: 'Atención al ciudadano en el sector público',
      level: 2,
      // Permanent: certificates issued in 2018 business time must still be VALID today.
      validityYears: null,
    });
    await seeding.mutate('accreditEvaluator', {
      commandId: `${run}-evaluator`,
      id: evaluatorId,
      fullName: 'Evaluadora Uno',
      certificationBody: 'UTT',
      ec0076Folio: `EC0076-${run}`,
      standardCodes: [STANDARD],
      validUntil: '2099-12-31T00:00:00.000Z',
      occurredAt: WHEN(-400),
    });
    const shared: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = randomUUID();
      await seeding.register(`${run}-shared-${i}`, id, (options.seed ?? 0) + 9_990 + i);
      shared.push(id);
    }
    if (seeding.report.unexpected.length > 0) throw new Error(`seeding failed: ${seeding.report.unexpected.join('\n')}`);
    return { base: { evaluatorId, shared }, acknowledged: seeding.report.acknowledged };
  }

  /** Clients start no new servant from now on; unacknowledged mutations are still retried for `retryForMs`. */
  finish(): void {
    this.deadline = Date.now();
    this.retryUntil = this.deadline + (this.options.retryForMs ?? 90_000);
  }

  async run(): Promise<WorkloadReport> {
    await Promise.all(Array.from({ length: this.options.clients }, (_, client) => this.client(client)));
    return this.report;
  }

  private async client(client: number): Promise<void> {
    const { run } = this.options;
    for (let n = 0; Date.now() < this.deadline && this.report.unexpected.length < 20; n++) {
      const key = `${run}-c${client}-s${n}`;
      const servantId = randomUUID();
      const seed = (this.options.seed ?? 0) + 10_000 * client + n;
      if (!(await this.register(`${key}-register`, servantId, seed))) continue;
      await this.query(Q.servant, { id: servantId });
      const certification = { servantId, standardCode: STANDARD };
      if (!(await this.mutate('enrollInTraining', { commandId: `${key}-enroll`, ...certification, provider: 'Ayuntamiento de Tijuana', modality: 'VIRTUAL', occurredAt: WHEN(0) }))) continue;
      if (n === 0 || Math.random() < 0.2) {
        // Too early: no verdict yet. Refused by the domain, and nothing may be written.
        await this.mutate('issueCertificate', { commandId: `${key}-early`, ...certification, folio: `${key}-early` }, 'BUSINESS_RULE');
      }
      if (Math.random() < 0.3) await this.changeShared(`${key}-change`);
      if (!(await this.mutate('completeTraining', { commandId: `${key}-complete`, ...certification, hours: 40, occurredAt: WHEN(10) }))) continue;
      const verdict = { ...certification, evaluatorId: this.base.evaluatorId };
      if (Math.random() < 0.25) {
        if (!(await this.mutate('recordVerdict', { commandId: `${key}-nyc`, ...verdict, verdict: 'NOT_YET_COMPETENT', occurredAt: WHEN(20) }))) continue;
      }
      if (!(await this.mutate('recordVerdict', { commandId: `${key}-verdict`, ...verdict, verdict: 'COMPETENT', occurredAt: WHEN(30) }))) continue;
      const folio = `F-${key}`;
      if (!(await this.mutate('issueCertificate', { commandId: `${key}-issue`, ...certification, folio, occurredAt: WHEN(40) }))) continue;
      this.report.folios.push(folio);
      await this.query(Q.verify, { folio });
      await this.query(Math.random() < 0.5 ? Q.stats : Q.servants, {});
    }
  }

  private async register(commandId: string, id: string, seed: number): Promise<boolean> {
    const input = {
      commandId,
      id,
      curp: fictitiousCurp(seed),
      fullName: fictitiousName(seed),
      ...TIJUANA,
      department: 'Oficialía Mayor',
      position: 'Analista',
      regime: 'BASE',
      unionized: true,
      occurredAt: WHEN(-300),
    };
    const done = await this.mutate('registerServant', input);
    if (done) this.report.servants.push(id);
    return done;
  }

  /** Reads a shared servant's version, then changes it with that expectedVersion: CONFLICT if another client got there first. */
  private async changeShared(commandId: string): Promise<void> {
    const shared = this.base.shared;
    const servantId = shared[Math.floor(Math.random() * shared.length)];
    const read = await this.query(Q.servant, { id: servantId });
    const version = read?.data?.servant?.version;
    if (typeof version !== 'number') return;
    // A position no other command sets: asking for what already holds would record nothing (by design).
    const input = { commandId, servantId, expectedVersion: version, position: `Puesto ${commandId}`, occurredAt: WHEN(5) };
    if (await this.mutate('changeEmployment', input, 'CONFLICT')) {
      this.report.changes.set(servantId, this.report.changes.get(servantId)! + 1);
    }
  }

  /**
   * Sends a mutation until it is acknowledged or refused. True when acknowledged.
   * `designed` is the one refusal code this attempt may get by design.
   */
  async mutate(op: MutationName, input: Record<string, unknown>, designed?: string): Promise<boolean> {
    const commandId = String(input.commandId);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.report.retries += 1;
      const answer = await this.send(M[op], { input });
      if (answer === 'retry') {
        if (Date.now() > this.retryUntil) {
          this.report.unexpected.push(`${op} ${commandId}: never acknowledged`);
          return false;
        }
        await sleep(50 + Math.random() * 150);
        continue;
      }
      const payload = answer.data?.[op] as { position?: string } | undefined;
      if (answer.status === 200 && !answer.errors && payload?.position) {
        this.report.acknowledged.push({ op, commandId, position: BigInt(payload.position) });
        return true;
      }
      const code = codeOf(answer);
      if (designed && code === designed) {
        this.report.refused.push({ op, commandId, code, rule: answer.errors?.[0]?.extensions?.rule });
      } else {
        this.report.unexpected.push(`${op} ${commandId}: ${answer.status} ${answer.text.slice(0, 500)}`);
      }
      return false;
    }
  }

  private async query(query: string, variables: Record<string, unknown>): Promise<Answer | null> {
    const answer = await this.send(query, variables);
    if (answer === 'retry') return null; // a read lost to a crash is simply not made
    if (answer.status !== 200 || answer.errors) this.report.unexpected.push(`query: ${answer.status} ${answer.text.slice(0, 500)}`);
    return answer;
  }

  /** One request; 'retry' when the server went away and the caller may try again. */
  private async send(query: string, variables: Record<string, unknown>): Promise<Answer | 'retry'> {
    this.report.requests += 1;
    try {
      const answer = await gql(this.options.endpoint, query, variables, this.options.adminToken);
      // A server going away answers 503 (draining), 5xx or a masked INTERNAL_SERVER_ERROR (store cut off).
      if (this.options.retryUnacknowledged && (answer.status >= 500 || codeOf(answer) === 'INTERNAL_SERVER_ERROR')) return 'retry';
      return answer;
    } catch (error) {
      if (this.options.retryUnacknowledged) return 'retry';
      return { status: 0, text: `no answer: ${(error as Error).message}`, headers: new Headers() };
    }
  }
}

export { must };
