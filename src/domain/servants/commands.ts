import type { Curp, ServantId } from '../shared/validation.js';
import type { EmploymentRegime } from '../shared/vocabulary.js';
import type { Command } from '../shared/time.js';

export type RegisterServant = Command<
  'RegisterServant',
  {
    servantId: ServantId;
    curp: Curp;
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
    servantId: ServantId;
    department?: string | null;
    position?: string | null;
    regime?: EmploymentRegime | null;
    unionized?: boolean | null;
  }
>;

export type SeparateServant = Command<'SeparateServant', { servantId: ServantId; reason: string }>;

/** `reason` is the legal basis, e.g. the ARCO cancellation request number. */
export type ErasePersonalData = Command<'ErasePersonalData', { servantId: ServantId; reason: string }>;

export type ServantCommand = RegisterServant | ChangeEmployment | SeparateServant | ErasePersonalData;
