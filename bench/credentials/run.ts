/**
 * Credential figures (docs/credentials.md "Figures"), not a timed test:
 *   1. signing and verifying rate of one OB 3.0 credential (eddsa-rdfc-2022),
 *      and of the VC-JWT form;
 *   2. a ceremony of 179 certificates end to end on a SQLite file: the 179
 *      issueCertificate commands with the read models caught up, then each
 *      certificate's credential (built and signed) and its PDF (with QR).
 *
 *   npx tsx bench/credentials/run.ts [--sign N] [--ceremony N]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApplication } from '../../src/app/application.js';
import { didWebFor } from '../../src/credentials/did-web.js';
import { loadIssuerKeys } from '../../src/credentials/issuer-keys.js';
import { buildOpenBadgeCredential, type CredentialFacts } from '../../src/credentials/open-badge.js';
import { certificatePdf } from '../../src/credentials/pdf.js';
import { credentialServiceFor } from '../../src/credentials/setup.js';
import { CredentialSigner } from '../../src/credentials/signing.js';
import type { CommandContext } from '../../src/domain/shared/event.js';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const SIGN_N = arg('sign', 200);
const CEREMONY_N = arg('ceremony', 179);
const BASE = 'https://acredita.example.gob.mx';

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
function summary(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = samples.reduce((a, b) => a + b, 0);
  console.log(
    `${label.padEnd(34)} n=${samples.length}  ${(samples.length / (total / 1000)).toFixed(1)}/s  median ${percentile(sorted, 50).toFixed(2)} ms  p95 ${percentile(sorted, 95).toFixed(2)} ms`,
  );
}

function facts(i: number): CredentialFacts {
  return {
    folio: `UTT-EC0105-2018-${String(i).padStart(4, '0')}`,
    printedFolio: null,
    issuedAt: '2018-09-18T17:00:00.000Z',
    validUntil: '2023-09-18T17:00:00.000Z',
    standard: { code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, validityYears: 5 },
    holder: { fullName: nameOf(i), curp: curp(i) },
    salt: randomBytes(16).toString('hex'),
    status: { list: 0, index: i },
  };
}

async function signingRate(): Promise<void> {
  const did = didWebFor(BASE);
  const signer = new CredentialSigner(await loadIssuerKeys(did, randomBytes(32)));
  const issuer = { did, name: 'Universidad Tecnológica de Tijuana', baseUrl: BASE };
  // Warm up: the first canonicalisation compiles the contexts.
  await signer.verifySignature(await signer.sign(buildOpenBadgeCredential(facts(0), issuer), facts(0).issuedAt));
  const signed: Record<string, unknown>[] = [];
  const signTimes: number[] = [];
  const verifyTimes: number[] = [];
  const jwtTimes: number[] = [];
  for (let i = 1; i <= SIGN_N; i++) {
    const f = facts(i);
    const unsigned = buildOpenBadgeCredential(f, issuer);
    let t = performance.now();
    signed.push(await signer.sign(unsigned, f.issuedAt));
    signTimes.push(performance.now() - t);
    t = performance.now();
    await signer.signJwt(unsigned);
    jwtTimes.push(performance.now() - t);
  }
  for (const credential of signed) {
    const t = performance.now();
    const { verified } = await signer.verifySignature(credential);
    verifyTimes.push(performance.now() - t);
    if (!verified) throw new Error('a credential did not verify');
  }
  summary('sign (eddsa-rdfc-2022)', signTimes);
  summary('verify (eddsa-rdfc-2022)', verifyTimes);
  summary('sign VC-JWT (EdDSA)', jwtTimes);
}

const GIVEN = ['María', 'José', 'Guadalupe', 'Ángel', 'Rocío', 'Jesús', 'Sofía', 'Iñaki', 'Ramón', 'Lucía', 'Héctor', 'Noemí'];
const FAMILY = ['Núñez', 'Peña', 'Ibáñez', 'Gómez', 'Ortiz', 'Hernández', 'López', 'Martínez', 'Sánchez', 'Ramírez', 'Cruz', 'Flores', 'Muñoz', 'Álvarez', 'Ruiz'];
/** Distinct names without digits (names may hold letters only). */
const nameOf = (i: number): string => `${GIVEN[i % GIVEN.length]} ${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]} ${FAMILY[(i * 7) % FAMILY.length]}`;

function curp(i: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const first17 = `GOPE${two(50 + Math.floor(i / 336) % 50)}${two(1 + (i % 12))}${two(1 + (Math.floor(i / 12) % 28))}HBCRRN0`;
  return first17 + curpCheckDigit(first17);
}

async function ceremony(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'acredita-bench-credentials-'));
  const url = `sqlite:${join(dir, 'bench.sqlite')}`;
  const masterKey = randomBytes(32);
  const app = await createApplication({ eventStoreUrl: url, readStoreUrl: url, databaseSchema: 'public', masterKey }, { logger: pino({ level: 'silent' }) });
  try {
    const ctx = (at: string): CommandContext => ({ occurredAt: new Date(at), now: new Date(), actor: 'bench', commandId: null, correlationId: null });
    await app.office.publishStandard({ code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, sector: 'Sector público', validityYears: 5 }, ctx('2016-01-01T00:00:00Z'));
    const evaluatorId = randomUUID();
    await app.office.accreditEvaluator(
      { id: evaluatorId, fullName: 'Evaluadora Uno', certificationBody: 'UTT', ec0076Folio: 'EC0076-0001', standardCodes: ['EC0105'], validUntil: new Date('2030-01-01T00:00:00Z') },
      ctx('2017-01-01T00:00:00Z'),
    );
    const servants: string[] = [];
    for (let i = 0; i < CEREMONY_N; i++) {
      const { servantId } = await app.office.registerServant(
        { curp: curp(i), fullName: nameOf(i), state: 'Baja California', municipality: 'Tijuana', department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
        ctx('2017-02-01T00:00:00Z'),
      );
      await app.office.enrollInTraining({ servantId, standardCode: 'EC0105', provider: 'Ayuntamiento de Tijuana', modality: 'PRESENTIAL' }, ctx('2018-06-01T00:00:00Z'));
      await app.office.completeTraining({ servantId, standardCode: 'EC0105', hours: 40 }, ctx('2018-06-20T00:00:00Z'));
      await app.office.recordVerdict({ servantId, standardCode: 'EC0105', evaluatorId, verdict: 'COMPETENT' }, ctx('2018-07-15T00:00:00Z'));
      servants.push(servantId);
    }
    await app.runner.waitFor(await app.store.headPosition(), 60_000);

    const folios = servants.map((_, i) => `UTT-EC0105-2018-${String(i + 1).padStart(4, '0')}`);
    let t = performance.now();
    let last = 0n;
    for (const [i, servantId] of servants.entries()) {
      ({ position: last } = await app.office.issueCertificate({ servantId, standardCode: 'EC0105', folio: folios[i]! }, ctx('2018-09-10T17:00:00Z')));
    }
    await app.runner.waitFor(last, 60_000);
    const issueMs = performance.now() - t;

    const service = await credentialServiceFor(
      { publicBaseUrl: BASE, issuerKey: randomBytes(32), retiredIssuerKeys: [], issuerName: 'Universidad Tecnológica de Tijuana' },
      masterKey,
      app,
      { now: () => new Date() },
    );
    const credentialTimes: number[] = [];
    const pdfTimes: number[] = [];
    let pdfBytes = 0;
    t = performance.now();
    for (const folio of folios) {
      let s = performance.now();
      const lookup = await service.lookup(folio);
      if (lookup.kind !== 'found') throw new Error(`${folio}: ${lookup.kind}`);
      await service.credentialOf(lookup.facts);
      credentialTimes.push(performance.now() - s);
      s = performance.now();
      pdfBytes += (await certificatePdf(lookup.facts, service.issuer)).length;
      pdfTimes.push(performance.now() - s);
    }
    const artefactsMs = performance.now() - t;
    console.log(`ceremony of ${CEREMONY_N}: issueCertificate commands + read models caught up: ${issueMs.toFixed(0)} ms`);
    summary('  credential (read + build + sign)', credentialTimes);
    summary('  PDF with QR', pdfTimes);
    console.log(`  credentials and PDFs for all ${CEREMONY_N}: ${artefactsMs.toFixed(0)} ms; PDFs ${(pdfBytes / CEREMONY_N / 1024).toFixed(1)} KiB each`);
    console.log(`  end to end (issue + credential + PDF): ${(issueMs + artefactsMs).toFixed(0)} ms`);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`node ${process.version}, ${new Date().toISOString()}`);
await signingRate();
await ceremony();
