/**
 * Uniqueness claims over a real SQLite file and its key store: the first claim
 * wins, the same owner may claim again, another owner is CONFLICT, and a claim
 * whose holder never completed its command within ABANDONED_CLAIM_MS is taken over.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ABANDONED_CLAIM_MS, UniquenessClaims } from '../../src/application/claims.js';
import { streamStore } from '../../src/application/stream-store.js';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import type { CertificationKey } from '../../src/domain/certifications/commands.js';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import { curpCheckDigit, parseCurp, parseFolio, parsePrintedFolio, parseServantId, parseStandardCode } from '../../src/domain/shared/validation.js';
import { at, sqliteOffice } from '../support/office.js';

const key = (servantId: string): CertificationKey => ({ servantId: parseServantId(servantId), standardCode: parseStandardCode('EC0105') });
const ana = key('6f1c1a44-3c1e-4bb0-9a55-0c1c3f6f2d10');
const beto = key('0b7f4d5e-2f53-4a43-9b0e-6a8f0d7c1e21');
const folio = parseFolio('UTT-2018-000179');
const CURP = parseCurp('PEGJ800101HBCRRN0' + curpCheckDigit('PEGJ800101HBCRRN0'));

/** A context whose wall clock is `ms` later than now: what an old claim looks like. */
const later = (ms: number) => {
  const context = at();
  return { ...context, now: new Date(context.now.getTime() + ms) };
};
const code = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: unknown) => (error as AcreditaError).code);

describe('uniqueness claims over a real SQLite store', () => {
  let fixture: Awaited<ReturnType<typeof sqliteOffice>>;
  let claims: UniquenessClaims;

  beforeEach(async () => {
    fixture = await sqliteOffice();
    claims = new UniquenessClaims(streamStore(eventStreamsOf(fixture.store)), fixture.vault);
  });
  afterEach(() => fixture.close());

  it('gives a folio to the first certification, again to the same one, and to no other while it is in flight', async () => {
    await claims.folio(folio, ana, at());
    await claims.folio(folio, ana, at());
    expect(await code(claims.folio(folio, beto, at()))).toBe('CONFLICT');
    expect((await fixture.store.readStream('folio-UTT-2018-000179')).map((e) => e.data.servantId)).toEqual([ana.servantId]);
  });

  it('takes over a folio claim abandoned by a crash (no certificate issued with it), not a fresh one', async () => {
    await claims.folio(folio, ana, at());
    expect(await code(claims.folio(folio, beto, later(ABANDONED_CLAIM_MS - 5_000)))).toBe('CONFLICT');
    await claims.folio(folio, beto, later(ABANDONED_CLAIM_MS + 5_000));
    expect((await fixture.store.readStream('folio-UTT-2018-000179')).map((e) => e.data.servantId)).toEqual([ana.servantId, beto.servantId]);
    // A folio whose certificate was never issued names no certificate.
    expect(await code(claims.certificationOf(folio))).toBe('NOT_FOUND');
  });

  it('refuses a printed folio that is a CONOCER folio, and gives a printed folio to one paper', async () => {
    await claims.folio(folio, ana, at());
    expect(await code(claims.printedFolio(parsePrintedFolio('UTT-2018-000179'), folio, at()))).toBe('CONFLICT');
    const paper = parsePrintedFolio('P-000451');
    await claims.printedFolio(paper, folio, at());
    await claims.printedFolio(paper, folio, at());
    expect(await code(claims.printedFolio(paper, parseFolio('UTT-2018-000180'), at()))).toBe('CONFLICT');
  });

  it('gives a CURP to the first servant, again to the same one, and takes it over only from a servant never registered', async () => {
    await claims.curp(CURP, ana.servantId, at());
    await claims.curp(CURP, ana.servantId, at());
    expect(await code(claims.curp(CURP, beto.servantId, at()))).toBe('CONFLICT');
    // Ana never registered (her stream is empty): once the claim is old, Beto takes it over.
    await claims.curp(CURP, beto.servantId, later(ABANDONED_CLAIM_MS + 5_000));
    expect(await code(claims.curp(CURP, ana.servantId, later(ABANDONED_CLAIM_MS + 10_000)))).toBe('CONFLICT');
  });
});
