/**
 * Signing and verifying: Data Integrity eddsa-rdfc-2022 through Digital
 * Bazaar's libraries, and the VC-JWT form (VC-JOSE-COSE: the JWT claims are
 * the credential itself) through jose. The loader holds every document a
 * signature needs, so neither ever reaches the network.
 */
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { SignJWT } from 'jose';
import { createDocumentLoader, type DocumentLoader } from './document-loader.js';
import { didDocument } from './did-web.js';
import type { IssuerKeys } from './issuer-keys.js';
import type { JsonObject } from './open-badge.js';

export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';

export interface SignatureCheck {
  verified: boolean;
  /** Why not, in one line. */
  error: string | null;
}

function firstError(result: vc.VerifyResult): string {
  const error = result.error ?? result.results?.find((r) => !r.verified)?.error;
  const errors = (error as { errors?: unknown[] } | undefined)?.errors;
  const cause = Array.isArray(errors) && errors.length > 0 ? errors[0] : error;
  return cause instanceof Error ? cause.message : String(cause ?? 'not verified');
}

const SIGNATURE_ONLY = async () => ({ verified: true });

export class CredentialSigner {
  readonly documentLoader: DocumentLoader;

  constructor(readonly keys: IssuerKeys) {
    this.documentLoader = createDocumentLoader([didDocument(keys)]);
  }

  /** `created` is the proof's date: the issuance, so the same facts sign to the same bytes. */
  async sign(credential: JsonObject, created: string): Promise<JsonObject> {
    const suite = new DataIntegrityProof({ signer: this.keys.current.signer(), cryptosuite: eddsaRdfc2022, date: created });
    // vc.issue adds the proof to the object it is given.
    const signed = await vc.issue({ credential: structuredClone(credential), suite, documentLoader: this.documentLoader, now: new Date(created) });
    // A proof set of one: 1EdTech's OB 3.0 JSON Schema takes `proof` as an array only, and Data Integrity verifiers read both forms.
    return { ...signed, proof: [signed.proof] };
  }

  /**
   * The signature alone, checked as of the credential's validFrom: an expired
   * certificate still carries a good signature. Status and validity are
   * separate questions.
   */
  async verifySignature(credential: JsonObject): Promise<SignatureCheck> {
    const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
    const validFrom = typeof credential.validFrom === 'string' ? new Date(credential.validFrom) : new Date();
    try {
      // The status entry is read apart (statusOf), from the list we serve; here only the proof counts.
      const result = await vc.verifyCredential({ credential, suite, documentLoader: this.documentLoader, now: validFrom, checkStatus: SIGNATURE_ONLY });
      return result.verified ? { verified: true, error: null } : { verified: false, error: firstError(result) };
    } catch (error) {
      return { verified: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async signJwt(credential: JsonObject): Promise<string> {
    const { proof: _proof, ...claims } = credential;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'vc+jwt', cty: 'vc', kid: this.keys.currentKeyId })
      .sign(this.keys.currentPrivateKey);
  }
}
