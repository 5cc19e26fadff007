/**
 * What the GraphQL layer needs from the application, as ports only: it never
 * learns which event store or read store is behind them.
 */
import type { Logger } from 'pino';
import type { Office } from '../application/office.js';
import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import type { CredentialService } from '../credentials/service.js';
import type { EventStore } from '../eventstore/types.js';
import type { PersonalDataAccessRecord } from '../privacy/access-record.js';
import type { WebhookRegistry } from '../notifications/webhooks/registry.js';
import type { ReadModel } from '../projections/read-model.js';
import type { TransparencyLog } from '../transparency/log.js';
import type { ServantCursors } from './servants/servant-cursor.js';

export interface Clock {
  now(): Date;
}

export interface GraphQLDeps {
  office: Office;
  readModel: ReadModel;
  /** Read directly only by auditors' queries and Certification.history/asOf. */
  store: EventStore;
  vault: PersonalDataVault;
  clock: Clock;
  logger: Logger;
  /** Where every response that showed a CURP is recorded. */
  accessRecord: PersonalDataAccessRecord;
  /** Credentials, PDFs and the public page (src/credentials); absent, their routes 404 and their fields fail. */
  credentials?: CredentialService;
  /** Webhook registrations and deliveries (ADMIN); absent, their operations fail with a clear error. */
  webhooks?: WebhookRegistry;
  /** Checkpoints and proofs (src/transparency); absent, their queries fail with a clear error. */
  transparency?: TransparencyLog;
  /** Seals the servants connection's cursors (key from MASTER_KEY: every process accepts every other's). */
  servantCursors: ServantCursors;
}

export const systemClock: Clock = { now: () => new Date() };
