/**
 * What the GraphQL layer needs from the application, as ports only: it never
 * learns which event store or read store is behind them.
 */
import type { Logger } from 'pino';
import type { Office } from '../domain/office.js';
import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import type { EventStore } from '../eventstore/types.js';
import type { ReadModel } from '../projections/read-model.js';

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
}

export const systemClock: Clock = { now: () => new Date() };
