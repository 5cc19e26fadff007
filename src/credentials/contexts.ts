/**
 * The JSON-LD contexts our credentials and DID document use, kept in the
 * repository (contexts/) so signing and verifying never touch the network:
 * a context fetched at run time could change under a signature or be gone.
 */
import credentialsV2 from './contexts/credentials-v2.json' with { type: 'json' };
import didV1 from './contexts/did-v1.json' with { type: 'json' };
import multikeyV1 from './contexts/multikey-v1.json' with { type: 'json' };
import openBadgesV3 from './contexts/ob-v3p0-context-3.0.3.json' with { type: 'json' };
import undefinedTermsV2 from './contexts/undefined-terms-v2.json' with { type: 'json' };

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
/** W3C's context that maps terms no other context defines (our folio, printedFolio) to issuer-dependent IRIs. */
export const UNDEFINED_TERMS_CONTEXT = 'https://www.w3.org/ns/credentials/undefined-terms/v2';
export const DID_V1_CONTEXT = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_V1_CONTEXT = 'https://w3id.org/security/multikey/v1';
/** 1EdTech's JSON Schema for OB 3.0 credentials, named in credentialSchema (a copy lives in test/credentials/fixtures). */
export const OB_V3_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';

/**
 * W3C VC 2.0 (it defines DataIntegrityProof and BitstringStatusList too), 1EdTech OB 3.0.3, W3C undefined terms, W3C DID 1.0, Multikey.
 * Imported as JSON modules rather than read from disk, so a bundled server (esbuild) carries them too.
 */
export const BUNDLED_CONTEXTS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  [VC_V2_CONTEXT, credentialsV2],
  [OB_V3_CONTEXT, openBadgesV3],
  [UNDEFINED_TERMS_CONTEXT, undefinedTermsV2],
  [DID_V1_CONTEXT, didV1],
  [MULTIKEY_V1_CONTEXT, multikeyV1],
]);
