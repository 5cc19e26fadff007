/** Builds the CredentialService from its settings and the application's parts. */
import { createHmac } from 'node:crypto';
import type { ReadDatabase } from '../projections/projection.js';
import type { ReadModel } from '../projections/read-model.js';
import type { CredentialsSettings } from './config.js';
import { didWebFor } from './did-web.js';
import { loadIssuerKeys } from './issuer-keys.js';
import { type InclusionProofSource, type InclusionProver, transparencyLogProofs } from './proofs.js';
import { type Clock, CredentialService, type PrintedFolioLookup } from './service.js';
import { CredentialSigner } from './signing.js';

export interface CredentialServiceDeps {
  readModel: ReadModel;
  db: ReadDatabase;
  /** MASTER_KEY: the CURP salts derive from it, so they never change and are never published in advance. */
  masterKey: Buffer;
  clock: Clock;
  proofs?: InclusionProofSource;
  printedFolios?: PrintedFolioLookup;
}

export async function createCredentialService(settings: CredentialsSettings, deps: CredentialServiceDeps): Promise<CredentialService> {
  const did = didWebFor(settings.publicBaseUrl);
  const keys = await loadIssuerKeys(did, settings.issuerKey, settings.retiredIssuerKeys);
  return new CredentialService({
    readModel: deps.readModel,
    db: deps.db,
    signer: new CredentialSigner(keys),
    issuer: { did, name: settings.issuerName, baseUrl: settings.publicBaseUrl },
    saltKey: createHmac('sha256', deps.masterKey).update('acredita/credential-salt/v1').digest(),
    clock: deps.clock,
    proofs: deps.proofs,
    printedFolios: deps.printedFolios,
  });
}

/** The parts of the Application the service reads (structural, so src/app can pass itself). */
export interface CredentialApplication {
  readModel: ReadModel;
  readStore: { db: ReadDatabase };
  /** The transparency log, when the application has one: the page shows its inclusion proofs. */
  transparency?: InclusionProver;
}

/**
 * Printed folios resolved through the certificates read model: certificateCheck
 * answers a printed folio (rm_printed_folios) with `askedPrintedFolio`, and
 * whether a later reprint replaced that paper.
 */
export function readModelPrintedFolios(readModel: Pick<ReadModel, 'certificateCheck'>, clock: Clock): PrintedFolioLookup {
  return {
    async resolve(printedFolio) {
      const check = await readModel.certificateCheck(printedFolio, clock.now());
      return check?.askedPrintedFolio ? { folio: check.certificate.folio, replaced: check.askedPrintedFolio.replaced } : null;
    },
  };
}

/** The service `serve` hands the HTTP server and GraphQL. */
export function credentialServiceFor(settings: CredentialsSettings, masterKey: Buffer, app: CredentialApplication, clock: Clock): Promise<CredentialService> {
  return createCredentialService(settings, {
    readModel: app.readModel,
    db: app.readStore.db,
    masterKey,
    clock,
    proofs: app.transparency ? transparencyLogProofs(app.transparency) : undefined,
    printedFolios: readModelPrintedFolios(app.readModel, clock),
  });
}
