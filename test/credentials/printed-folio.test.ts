/**
 * Printed folios (folio preimpreso): the credential, the PDF and the page show
 * the current paper's folio, and a printed folio a reprint replaced says so on
 * the page. First with a read model that adds the field and an in-memory
 * lookup (the service's own seams), then through the real reissueCertificate
 * and the certificates read model the server wires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderVerifyPage } from '../../src/credentials/page.js';
import { createCredentialService, readModelPrintedFolios } from '../../src/credentials/setup.js';
import type { CredentialService } from '../../src/credentials/service.js';
import { certificatePdf } from '../../src/credentials/pdf.js';
import type { ReadModel } from '../../src/projections/read-model.js';
import { parsePdf } from './pdf-reader.js';
import { startCredentialsApi, type CredentialsApi } from './support.js';
import { TestVerifier } from './verifier.js';

describe('printed folios', () => {
  let api: CredentialsApi;
  let service: CredentialService;
  const folio = 'UTT-EC0105-2018-0300';
  const printed = { current: 'B-004512', replaced: 'A-001187' };

  beforeAll(async () => {
    api = (await startCredentialsApi('sqlite'))!;
    await api.certify(folio);
    const base = api.app.readModel;
    const withPrintedFolio: ReadModel = Object.assign(Object.create(base) as ReadModel, {
      certificatesByFolios: async (folios: readonly string[], at: Date) =>
        (await base.certificatesByFolios(folios, at)).map((view) => view && { ...view, printedFolio: printed.current }),
    });
    service = await createCredentialService(api.settings, {
      readModel: withPrintedFolio,
      db: api.app.readStore.db,
      masterKey: api.masterKey,
      clock: { now: () => new Date() },
      printedFolios: {
        resolve: async (asked) =>
          asked === printed.replaced ? { folio, replaced: true } : asked === printed.current ? { folio, replaced: false } : null,
      },
    });
  }, 60_000);
  afterAll(async () => api?.close());

  it('the credential carries the printed folio, signed', async () => {
    const lookup = await service.lookup(folio);
    if (lookup.kind !== 'found') throw new Error(lookup.kind);
    const credential = await service.credentialOf(lookup.facts);
    expect(credential).toMatchObject({ folio, printedFolio: printed.current });
    expect(String(credential.description)).toContain(printed.current);
    expect((await new TestVerifier(api.origin).verify(credential)).verified).toBe(true);
    const pdf = await certificatePdf(lookup.facts, service.issuer);
    const { text } = await parsePdf(new Uint8Array(pdf));
    expect(text).toContain('Folio impreso');
    expect(text).toContain(printed.current);
  });

  it('the page, asked by a replaced printed folio, says it was replaced; asked by the current one, says it is current', async () => {
    const render = async (asked: string) =>
      renderVerifyPage(await service.publicCheck(asked), { lang: 'es', baseUrl: api.origin, issuerName: service.issuer.name, now: new Date() });
    const replaced = await render(printed.replaced);
    expect(replaced).toContain(`El folio impreso ${printed.replaced} fue reemplazado`);
    expect(replaced).toContain(`<dd id="folio">${folio}</dd>`);
    expect(replaced).toContain(printed.current);
    const current = await render(printed.current);
    expect(current).toContain(`Folio impreso ${printed.current}, vigente.`);
    const unknown = await render('Z-999999');
    expect(unknown).toContain('No encontramos ningún certificado con el folio Z-999999.');
  });

  it('the read-model lookup the server wires treats a CONOCER folio and an unknown one as no printed folio', async () => {
    const lookup = readModelPrintedFolios(api.app.readModel, { now: () => new Date() });
    expect(await lookup.resolve(folio)).toBeNull();
    expect(await lookup.resolve('Z-999999')).toBeNull();
  });

  it('with the real reprints: after two reissues the credential, PDF and page name the current paper, and the first paper reads replaced', async () => {
    const reissued = 'UTT-EC0105-2018-0301';
    await api.certify(reissued, 'Noemí Álvarez Ruiz');
    const REISSUE = `mutation($input: ReissueCertificateInput!) { reissueCertificate(input: $input) { position } }`;
    await api.admin(REISSUE, { folio: reissued, printedFolio: 'IMP-2018-004512', reason: 'Extravío' });
    await api.admin(REISSUE, { folio: reissued, printedFolio: 'IMP-2019-000077', reason: 'Daño' });
    const credential = (await (await fetch(`${api.origin}/credentials/${reissued}`)).json()) as Record<string, unknown>;
    expect(credential).toMatchObject({ folio: reissued, printedFolio: 'IMP-2019-000077' });
    expect((await new TestVerifier(api.origin).verify(credential)).verified).toBe(true);
    const { text } = await parsePdf(new Uint8Array(await (await fetch(`${api.origin}/certificates/${reissued}.pdf`)).arrayBuffer()));
    expect(text).toContain('IMP-2019-000077');
    const old = await fetch(`${api.origin}/verify/IMP-2018-004512`);
    expect(old.status).toBe(200);
    const oldPage = await old.text();
    expect(oldPage).toContain('El folio impreso IMP-2018-004512 fue reemplazado');
    expect(oldPage).toContain(`<dd id="folio">${reissued}</dd>`);
    const currentPage = await (await fetch(`${api.origin}/verify/IMP-2019-000077`)).text();
    expect(currentPage).toContain('Folio impreso IMP-2019-000077, vigente.');
  });
});
