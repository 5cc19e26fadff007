/**
 * Builds test data through the API itself (as ADMIN unless told otherwise):
 * standards, servants, an evaluator and certifications up to a certificate.
 */
import { randomUUID } from 'node:crypto';
import { curpCheckDigit } from '../../../src/domain/shared/validation.js';
import { M } from './documents.js';
import { MEXICALI, TIJUANA, type GraphQLResult, type TestApi } from './api.js';

/** A fictitious CURP with a valid check digit, different for every seed below 16800. */
export function validCurp(seed: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const first17 = `GOPE${two(50 + Math.floor(seed / 336) % 50)}${two(1 + (seed % 12))}${two(1 + (Math.floor(seed / 12) % 28))}HBCRRN0`;
  return first17 + curpCheckDigit(first17);
}

/** The data of a successful result; fails the test with the errors otherwise. */
export function must<T = Record<string, any>>(result: GraphQLResult<T>): T {
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL failed (${result.status}): ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

let curpSeed = 0;
export const nextCurp = () => validCurp(++curpSeed);

export class Scenario {
  constructor(
    readonly api: TestApi,
    private readonly adminToken: string,
  ) {}

  static async start(api: TestApi): Promise<Scenario> {
    return new Scenario(api, await api.token('ADMIN', { sub: 'admin-1' }));
  }

  private async run(document: string, input: Record<string, unknown>, token = this.adminToken) {
    return must(await this.api.gql(document, { input }, token));
  }

  async publishStandard(code: string, validityYears: number | null = 5) {
    const data = await this.run(M.publishStandard, { code, title: `Standard ${code}`, level: 2, sector: 'Public sector', validityYears });
    return data.publishStandard.standard;
  }

  async registerServant(place: { state: string; municipality: string } = TIJUANA, extra: Record<string, unknown> = {}, token?: string) {
    const input = {
      curp: nextCurp(),
      fullName: 'María de los Ángeles Ortiz',
      ...place,
      department: 'Oficialia Mayor',
      position: 'Analista',
      regime: 'BASE',
      unionized: true,
      occurredAt: '2017-01-01T00:00:00.000Z',
      ...extra,
    };
    const data = await this.run(M.registerServant, input, token);
    return { ...data.registerServant.servant, curp: input.curp } as { id: string; curp: string; municipality: string; version: number };
  }

  async accreditEvaluator(standardCodes: string[], id = randomUUID()) {
    const data = await this.run(M.accreditEvaluator, {
      id,
      fullName: 'Evaluadora Uno',
      certificationBody: 'UTT',
      ec0076Folio: `EC0076-${id.slice(0, 8)}`,
      standardCodes,
      validUntil: '2099-12-31T00:00:00.000Z',
      occurredAt: '2017-01-01T00:00:00.000Z',
    });
    return data.accreditEvaluator.evaluator as { id: string };
  }

  /** Enrolled, trained, evaluated COMPETENT by `evaluatorId`; optionally at given business times. */
  async competent(servantId: string, standardCode: string, evaluatorId: string, from = '2018-06-01T17:00:00.000Z') {
    const day = (n: number) => new Date(Date.parse(from) + n * 86_400_000).toISOString();
    await this.run(M.enrollInTraining, { servantId, standardCode, provider: 'Ayuntamiento de Tijuana', modality: 'PRESENTIAL', occurredAt: day(0) });
    await this.run(M.completeTraining, { servantId, standardCode, hours: 40, occurredAt: day(10) });
    await this.run(M.recordVerdict, { servantId, standardCode, evaluatorId, verdict: 'COMPETENT', occurredAt: day(20) });
  }

  async issue(servantId: string, standardCode: string, folio: string, occurredAt?: string, commandId?: string) {
    const data = await this.run(M.issueCertificate, { servantId, standardCode, folio, occurredAt, commandId });
    return data.issueCertificate;
  }

  /** A servant of `place` holding a certificate `folio` in `standardCode`, issued now (VALID). */
  async certifiedServant(place: { state: string; municipality: string }, standardCode: string, evaluatorId: string, folio: string) {
    const servant = await this.registerServant(place);
    await this.competent(servant.id, standardCode, evaluatorId);
    await this.issue(servant.id, standardCode, folio);
    return servant;
  }
}

export { MEXICALI, TIJUANA };

/** Asserts a refusal with this code (and rule), and no data. */
export function expectRefused(result: GraphQLResult, code: string, rule?: string): void {
  const error = result.errors?.[0];
  if (!error) throw new Error(`expected ${code}, got data ${JSON.stringify(result.data)}`);
  if (error.extensions.code !== code || (rule !== undefined && error.extensions.rule !== rule)) {
    throw new Error(`expected ${code}${rule ? `/${rule}` : ''}, got ${JSON.stringify(result.errors)}`);
  }
}
