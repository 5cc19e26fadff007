import type { EmploymentRegime } from '../shared/vocabulary.js';
import type { Command } from '../shared/time.js';

export type RegisterServant = Command<
  'RegisterServant',
  {
    servantId: string;
    curp: string;
    fullName: string;
    state: string;
    municipality: string;
    department: string;
    position?: string | null;
    regime: EmploymentRegime;
    unionized: boolean;
  }
>;

/** Absent (or null) leaves a field as it is; `position: null` clears the position. */
export type ChangeEmployment = Command<
  'ChangeEmployment',
  {
    servantId: string;
    department?: string | null;
    position?: string | null;
    regime?: EmploymentRegime | null;
    unionized?: boolean | null;
  }
>;

export type SeparateServant = Command<'SeparateServant', { servantId: string; reason: string }>;

/** `reason` is the legal basis, e.g. the ARCO cancellation request number. */
export type ErasePersonalData = Command<'ErasePersonalData', { servantId: string; reason: string }>;

export type ServantCommand = RegisterServant | ChangeEmployment | SeparateServant | ErasePersonalData;
