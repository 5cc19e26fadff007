import type { Event } from '../shared/event.js';
import type { EmploymentRegime } from '../shared/vocabulary.js';

/** CURP and full name, the only personal data we keep. Never stored in clear. */
export interface PersonalData {
  curp: string;
  fullName: string;
}

/**
 * Stream `servant-{uuid}`. `personalData` is the PersonalData sealed with the
 * servant's own data key (AES-256-GCM), so erasing the key erases it.
 */
export type ServantRegistered = Event<
  'ServantRegistered',
  {
    servantId: string;
    personalData: string;
    state: string;
    municipality: string;
    department: string;
    position: string | null;
    regime: EmploymentRegime;
    unionized: boolean;
  }
>;

/** Only the fields that changed are present. */
export type EmploymentChanged = Event<
  'EmploymentChanged',
  {
    servantId: string;
    department?: string;
    position?: string | null;
    regime?: EmploymentRegime;
    unionized?: boolean;
  }
>;

export type ServantSeparated = Event<'ServantSeparated', { servantId: string; reason: string }>;

/** The data key was destroyed; the sealed personal data can never be read again. */
export type PersonalDataErased = Event<'PersonalDataErased', { servantId: string; reason: string }>;

export type ServantEvent = ServantRegistered | EmploymentChanged | ServantSeparated | PersonalDataErased;

/**
 * Stream `curp-{hmac}`: how databases written before CURP claims moved next to
 * the data keys claimed a CURP. No longer written; those in the log are read
 * once, at start, into the key store (src/privacy/legacy-curp-claims.ts).
 */
export type CurpClaimed = Event<'CurpClaimed', { servantId: string }>;

export const servantStreamId = (servantId: string): string => `servant-${servantId}`;
export const curpStreamId = (curpHmac: string): string => `curp-${curpHmac}`;

/** Each event type of the feature with the schemaVersion written today (upcasting.ts): a new type fails to compile until listed. */
export const SERVANT_EVENT_SCHEMAS = {
  ServantRegistered: 1,
  EmploymentChanged: 1,
  ServantSeparated: 1,
  PersonalDataErased: 1,
  CurpClaimed: 1,
} as const satisfies Record<ServantEvent['type'] | CurpClaimed['type'], number>;
