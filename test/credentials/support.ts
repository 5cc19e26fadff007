/**
 * The whole application behind the real HTTP server with the credentials
 * wired, on a port chosen before the service is built (PUBLIC_BASE_URL must
 * be the address holders reach), plus a certified servant made through the
 * GraphQL API, and a verifier written apart from src/credentials.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startHttpServer, type RunningHttpServer } from '../../src/app/http-server.js';
import type { CredentialsSettings } from '../../src/credentials/config.js';
import type { CredentialService } from '../../src/credentials/service.js';
import { credentialServiceFor } from '../../src/credentials/setup.js';
import { signToken, type Role } from '../../src/graphql/auth.js';
import { systemClock } from '../../src/graphql/deps.js';
import { ServantCursors } from '../../src/graphql/servants/servant-cursor.js';
import { openTestApplication, type Backend, type TestApplication } from '../support/application.js';
import { freePort } from '../support/free-port.js';
import { M } from '../graphql/support/documents.js';
import type { GraphQLResult } from '../graphql/support/api.js';
import { must, nextCurp, TIJUANA } from '../graphql/support/scenario.js';

export const JWT_SECRET = 'credentials-test-secret-0123456789abcdefgh';
export const ISSUER_NAME = 'Universidad Tecnológica de Tijuana (ECE)';
export const STANDARD = { code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, validityYears: 5 };

export interface CredentialsApi extends TestApplication {
  server: RunningHttpServer;
  origin: string;
  service: CredentialService;
  settings: CredentialsSettings;
  masterKey: Buffer;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResult<T>>;
  token(role: Role, claims?: Record<string, string>): Promise<string>;
  admin(document: string, input: Record<string, unknown>): Promise<Record<string, any>>;
  /** A servant of Tijuana holding certificate `folio` in EC0105, issued now or at `issuedAt`. */
  certify(folio: string, fullName?: string, issuedAt?: string): Promise<{ servantId: string; curp: string; fullName: string }>;
}


export async function startCredentialsApi(
  backend: Backend,
  options: { issuerKey?: Buffer; retiredIssuerKeys?: string[]; publicRateLimit?: { perMinute: number; burst: number } } = {},
): Promise<CredentialsApi | null> {
  const opened = await openTestApplication(backend);
  if (!opened) return null;
  const { app } = opened;
  const masterKey = Buffer.from(opened.env.MASTER_KEY!, 'base64');
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const settings: CredentialsSettings = {
    publicBaseUrl: origin,
    issuerKey: options.issuerKey ?? randomBytes(32),
    retiredIssuerKeys: options.retiredIssuerKeys ?? [],
    issuerName: ISSUER_NAME,
  };
  const service = await credentialServiceFor(settings, masterKey, app, systemClock);
  const logger = pino({ level: 'silent' }, new Writable({ write: (_chunk, _encoding, done) => done() }));
  const server = await startHttpServer({
    deps: { office: app.office, readModel: app.readModel, store: app.store, vault: app.vault, clock: systemClock, logger, accessRecord: app.accessRecord, credentials: service, transparency: app.transparency, servantCursors: new ServantCursors(randomBytes(32)) },
    host: '127.0.0.1',
    port,
    jwtSecret: JWT_SECRET,
    logger,
    publicRateLimit: options.publicRateLimit,
    health: () => app.healthy(),
  });
  const token = (role: Role, claims: Record<string, string> = {}) =>
    signToken({ role, sub: `test-${role.toLowerCase()}`, ...(role === 'REGISTRAR' ? TIJUANA : {}), ...claims }, JWT_SECRET);
  const adminToken = await token('ADMIN', { sub: 'admin-1' });
  const gql = async (query: string, variables?: Record<string, unknown>, bearer?: string | null) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: GraphQLResult['errors'] };
    return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
  };
  const admin = async (document: string, input: Record<string, unknown>) => must(await gql(document, { input }, adminToken));

  await admin(M.publishStandard, { ...STANDARD, sector: 'Sector público' });
  const evaluatorId = (await admin(M.accreditEvaluator, {
    fullName: 'Evaluadora Uno',
    certificationBody: 'UTT',
    ec0076Folio: 'EC0076-EVAL-0001',
    standardCodes: [STANDARD.code],
    validUntil: '2099-12-31T00:00:00.000Z',
    occurredAt: '2017-01-01T00:00:00.000Z',
  })).accreditEvaluator.evaluator.id as string;

  const certify = async (folio: string, fullName = 'María de los Ángeles Ortiz Núñez', issuedAt?: string) => {
    const curp = nextCurp();
    const servantId = (await admin(M.registerServant, {
      curp,
      fullName,
      ...TIJUANA,
      department: 'Oficialía Mayor',
      position: 'Analista',
      regime: 'BASE',
      unionized: true,
      occurredAt: '2017-01-01T00:00:00.000Z',
    })).registerServant.servant.id as string;
    const issued = issuedAt ? Date.parse(issuedAt) : Date.now();
    const day = (n: number) => new Date(issued - (30 - n) * 86_400_000).toISOString();
    const code = STANDARD.code;
    await admin(M.enrollInTraining, { servantId, standardCode: code, provider: 'Ayuntamiento de Tijuana', modality: 'PRESENTIAL', occurredAt: day(0) });
    await admin(M.completeTraining, { servantId, standardCode: code, hours: 40, occurredAt: day(10) });
    await admin(M.recordVerdict, { servantId, standardCode: code, evaluatorId, verdict: 'COMPETENT', occurredAt: day(20) });
    await admin(M.issueCertificate, { servantId, standardCode: code, folio, ...(issuedAt ? { occurredAt: issuedAt } : {}) });
    return { servantId, curp, fullName };
  };

  return {
    ...opened,
    server,
    origin,
    service,
    settings,
    masterKey,
    gql,
    token,
    admin,
    certify,
    close: async () => {
      await server.close();
      await opened.close();
    },
  };
}
