/**
 * The tests' verifier: docs/verify-credential.mjs (Digital Bazaar's
 * vc.verifyCredential with its own document loader over the repository's
 * context files, did:web resolution and its own status-bit reader; none of
 * src/credentials), with a fetch that refuses any host but the server under
 * test: the network is off.
 */
import { CredentialVerifier, type StatusRead, type VerifyOutcome } from '../../docs/verify-credential.mjs';

export type { StatusRead, VerifyOutcome };

export class TestVerifier {
  /** Requests refused because they left the test server: must stay empty. */
  readonly refused: string[] = [];
  private readonly verifier: CredentialVerifier;

  constructor(private readonly allowedOrigin: string) {
    this.verifier = new CredentialVerifier({ fetch: (url) => this.fetchAllowed(url) });
  }

  /** DID documents given by the test instead of fetched (e.g. after a key rotation). */
  get pinnedDids(): Map<string, unknown> {
    return this.verifier.dids;
  }

  async fetchAllowed(url: string): Promise<Response> {
    if (new URL(url).origin !== this.allowedOrigin) {
      this.refused.push(url);
      throw new Error(`network is off: ${url}`);
    }
    return fetch(url);
  }

  verify(credential: object, now = new Date()): Promise<VerifyOutcome> {
    return this.verifier.verify(credential, { now });
  }
}
