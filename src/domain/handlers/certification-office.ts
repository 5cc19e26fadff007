import type { Office } from '../office.js';
import type { PersonalDataVault } from '../servants/personal-data.js';
import { CommandHandler } from '../shared/command-handler.js';
import type { EventStreams } from '../shared/event-streams.js';
import { deliverCertificates, handleCertificationStep, issueCertificate, reissueCertificate, revokeCertificate } from './certifications.js';
import { accreditEvaluator } from './evaluators.js';
import { setGoal } from './goals.js';
import type { HandlerKit } from './kit.js';
import { handleServant, registerServant } from './servants.js';
import { handleStandard } from './standards.js';

/** The Office port over an event store: every public command, decided by the pure deciders. */
export function createCertificationOffice(streams: EventStreams, vault: PersonalDataVault): Office {
  const kit: HandlerKit = { handler: new CommandHandler(streams), streams, vault };
  return {
    publishStandard: (input, context) => handleStandard(kit, 'PublishStandard', input, context),
    withdrawStandard: (input, context) => handleStandard(kit, 'WithdrawStandard', input, context),
    registerServant: (input, context) => registerServant(kit, input, context),
    changeEmployment: (input, context) => handleServant(kit, 'ChangeEmployment', input, context),
    separateServant: (input, context) => handleServant(kit, 'SeparateServant', input, context),
    erasePersonalData: (input, context) => handleServant(kit, 'ErasePersonalData', input, context),
    accreditEvaluator: (input, context) => accreditEvaluator(kit, input, context),
    enrollInTraining: (input, context) => handleCertificationStep(kit, 'EnrollInTraining', input, context),
    completeTraining: (input, context) => handleCertificationStep(kit, 'CompleteTraining', input, context),
    recordVerdict: (input, context) => handleCertificationStep(kit, 'RecordVerdict', input, context),
    issueCertificate: (input, context) => issueCertificate(kit, input, context),
    deliverCertificates: (input, context) => deliverCertificates(kit, input, context),
    revokeCertificate: (input, context) => revokeCertificate(kit, input, context),
    reissueCertificate: (input, context) => reissueCertificate(kit, input, context),
    setGoal: (input, context) => setGoal(kit, input, context),
  };
}
