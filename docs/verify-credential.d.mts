// Types of docs/verify-credential.mjs, for the tests that use it as the separate verifier.
export class VerifyError extends Error {}
export interface StatusRead { verified: boolean; revoked: boolean; listVerified: boolean }
export interface VerifyOutcome { verified: boolean; error: string | null; status: StatusRead | null }
export function loadContexts(folder?: URL | string): Map<string, unknown>;
export function didWebUrl(did: string): string;
export class CredentialVerifier {
  constructor(options?: { contexts?: Map<string, unknown>; fetch?: (url: string) => Promise<Response>; dids?: Map<string, unknown>; statusLists?: Map<string, unknown> });
  readonly dids: Map<string, unknown>;
  readonly documentLoader: (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  verify(credential: object, options?: { now?: Date }): Promise<VerifyOutcome>;
  readStatus(entry: unknown): Promise<StatusRead>;
}
