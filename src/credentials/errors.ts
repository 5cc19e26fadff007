/** Errors of the credentials module, each with a stable code. */
export type CredentialErrorCode = 'ISSUER_KEY_INVALID' | 'PUBLIC_BASE_URL_INVALID' | 'DOCUMENT_NOT_BUNDLED' | 'STATUS_LIST_FULL';

export class CredentialError extends Error {
  constructor(
    readonly code: CredentialErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}
