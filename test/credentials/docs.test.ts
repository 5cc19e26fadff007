/** Every GraphQL document in docs/credentials.md runs, against a certificate with the folio the docs name. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../graphql/support/scenario.js';
import { startCredentialsApi, type CredentialsApi } from './support.js';

const DOC = readFileSync(new URL('../../docs/credentials.md', import.meta.url), 'utf8');
const DOCUMENTS = [...DOC.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('docs/credentials.md GraphQL documents', () => {
  let api: CredentialsApi;
  beforeAll(async () => {
    api = (await startCredentialsApi('sqlite'))!;
    await api.certify('UTT-EC0105-2018-0042');
  }, 60_000);
  afterAll(async () => api?.close());

  it('has the two documents it describes', () => {
    expect(DOCUMENTS).toHaveLength(2);
  });

  it('runs the Certificate.credential document as ADMIN', async () => {
    const data = must(await api.gql(DOCUMENTS[0]!, {}, await api.token('ADMIN')));
    expect(data.certificate.credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
  });

  it('runs the verifyCertificate document anonymously', async () => {
    const data = must(await api.gql(DOCUMENTS[1]!));
    expect(data.verifyCertificate).toMatchObject({ found: true, status: 'VALID', verifyUrl: `${api.origin}/verify/UTT-EC0105-2018-0042` });
  });
});
