import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import { deliverCertificates, enrollInTraining, completeTraining, issueCertificate, recordVerdict, reissueCertificate, revokeCertificate } from './certifications.js';
import { UniquenessClaims } from './claims.js';
import { CommandHandler } from './command-handler.js';
import type { EventStreams } from './event-streams.js';
import { accreditEvaluator } from './evaluators.js';
import { setGoal } from './goals.js';
import type { UseCaseKit } from './kit.js';
import type { Office } from './office.js';
import { changeEmployment, erasePersonalData, registerServant, separateServant } from './servants.js';
import { publishStandard, withdrawStandard } from './standards.js';
import { StateCache } from './state-cache.js';
import { streamStore } from './stream-store.js';

/** The Office over an event store: every public command, decided by the pure deciders. */
export function createOffice(streams: EventStreams, vault: PersonalDataVault): Office {
  const store = new StateCache(streamStore(streams));
  const kit: UseCaseKit = { handler: new CommandHandler(store), claims: new UniquenessClaims(store, vault), vault };
  return {
    publishStandard: (input, context) => publishStandard(kit, input, context),
    withdrawStandard: (input, context) => withdrawStandard(kit, input, context),
    registerServant: (input, context) => registerServant(kit, input, context),
    changeEmployment: (input, context) => changeEmployment(kit, input, context),
    separateServant: (input, context) => separateServant(kit, input, context),
    erasePersonalData: (input, context) => erasePersonalData(kit, input, context),
    accreditEvaluator: (input, context) => accreditEvaluator(kit, input, context),
    enrollInTraining: (input, context) => enrollInTraining(kit, input, context),
    completeTraining: (input, context) => completeTraining(kit, input, context),
    recordVerdict: (input, context) => recordVerdict(kit, input, context),
    issueCertificate: (input, context) => issueCertificate(kit, input, context),
    deliverCertificates: (input, context) => deliverCertificates(kit, input, context),
    revokeCertificate: (input, context) => revokeCertificate(kit, input, context),
    reissueCertificate: (input, context) => reissueCertificate(kit, input, context),
    setGoal: (input, context) => setGoal(kit, input, context),
  };
}
