import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplication, type Application } from '../../src/app/application.js';
import type { DemoStep } from '../../src/app/demo/plan.js';
import {
  buildScenario,
  CEREMONY,
  GOAL,
  OTHER_MUNICIPALITIES,
  SCENARIO_ENDS,
  STANDARDS,
  TIJUANA,
  TIJUANA_FIGURES,
} from '../../src/app/demo/scenario.js';
import { seedDemo, type DemoSummary } from '../../src/app/demo/seed.js';
import { PoisonEventError } from '../../src/projections/errors.js';
import type { Projection } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { parseCurp } from '../../src/domain/shared/validation.js';
import { temporarySqliteFile, type TemporarySqliteFile } from '../support/sqlite.js';

/** Projections start after the seed: projecting while seeding makes every append wait for them. */
async function openApplication(file: TemporarySqliteFile): Promise<Application> {
  const url = `sqlite:${file.path}`;
  return createApplication(
    { eventStoreUrl: url, readStoreUrl: url, databaseSchema: 'public', masterKey: randomBytes(32) },
    { logger: pino({ level: 'silent' }), project: false },
  );
}

const stepsOf = <K extends DemoStep['command']>(steps: DemoStep[], command: K) =>
  steps.filter((step): step is Extract<DemoStep, { command: K }> => step.command === command);

describe('the demo scenario as data', () => {
  const steps = buildScenario();

  it('is the same every time it is built', () => {
    expect(JSON.stringify(buildScenario())).toBe(JSON.stringify(steps));
  });

  it('gives every command its own commandId and keeps business time in order', () => {
    expect(new Set(steps.map((step) => step.commandId)).size).toBe(steps.length);
    const times = steps.map((step) => step.occurredAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(steps.at(-1)!.occurredAt.getTime()).toBeLessThanOrEqual(SCENARIO_ENDS.getTime());
  });

  it('registers fictitious servants with CURPs valid in form, distinct, and Spanish names with accents and Ñ', () => {
    const registrations = stepsOf(steps, 'registerServant');
    const curps = registrations.map((step) => step.input.curp);
    for (const curp of curps) expect(parseCurp(curp)).toBe(curp);
    expect(new Set(curps).size).toBe(curps.length);
    const names = registrations.map((step) => step.input.fullName).join(' ');
    expect(names).toMatch(/ñ/);
    expect(names).toMatch(/[áéíóú]/);
    expect(names).toMatch(/María de los Ángeles/);
  });

  it('hands 179 certificates to 179 servants at the ceremony, 114 of them BASE and unionized', () => {
    const [ceremony] = stepsOf(steps, 'deliverCertificates').filter((step) => step.input.ceremony === CEREMONY.name);
    const folios = new Set(ceremony.input.folios);
    const issued = stepsOf(steps, 'issueCertificate').filter((step) => folios.has(step.input.folio));
    expect(issued).toHaveLength(TIJUANA_FIGURES.deliveredAtCeremony);
    const servants = new Set(issued.map((step) => step.input.servantId));
    expect(servants.size).toBe(TIJUANA_FIGURES.deliveredAtCeremony);
    const baseUnionized = stepsOf(steps, 'registerServant').filter(
      (step) => servants.has(step.input.id!) && step.input.regime === 'BASE' && step.input.unionized,
    );
    expect(baseUnionized).toHaveLength(TIJUANA_FIGURES.baseUnionizedAtCeremony);
  });

  it('marks the standards whose code or validity is assumed', () => {
    expect(STANDARDS.ciudadano).toMatchObject({ code: 'EC0105', level: 2, validityYears: 5, assumption: null });
    expect(STANDARDS.cursos).toMatchObject({ code: 'EC0217', level: 3 });
    expect(STANDARDS.evaluacion).toMatchObject({ code: 'EC0076', level: 4 });
    expect(STANDARDS.asistencia.assumption).toMatch(/assumed/);
    expect(STANDARDS.gasto.assumption).toMatch(/assumed/);
  });
});

describe('seedDemo on a real SQLite store', () => {
  let file: TemporarySqliteFile;
  let app: Application;
  let summary: DemoSummary;
  const steps = buildScenario();
  const ceremonyDay = new Date('2018-09-18T23:59:59Z');

  beforeAll(async () => {
    file = await temporarySqliteFile();
    app = await openApplication(file);
    const progress: number[] = [];
    summary = await seedDemo(app.office, { onProgress: (done, total) => progress.push(done / total) });
    expect(progress.at(-1)).toBe(1);
    await app.runner.start();
    await app.readModel.waitFor(await app.store.headPosition(), 60_000);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await file?.remove();
  });

  it('reports what it seeded', () => {
    expect(summary).toMatchObject({ commands: steps.length, standards: 5, goalId: GOAL.id });
    expect(summary.servants).toBe(stepsOf(steps, 'registerServant').length);
    expect(summary.lastPosition).toBeGreaterThan(0n);
  });

  it('shows 410 servants certified in Tijuana at the end of 18 September 2018', async () => {
    const stats = await app.readModel.certificationStats({ municipality: TIJUANA.municipality }, ceremonyDay);
    expect(stats.certifiedServants).toBe(TIJUANA_FIGURES.certifiedByCeremony);
    const before = await app.readModel.certificationStats(TIJUANA, new Date('2018-09-17T23:59:59Z'));
    expect(before.certifiedServants).toBe(TIJUANA_FIGURES.certifiedByCeremony);
    expect(stats.byStandard.map((count) => count.key)).toEqual(expect.arrayContaining(Object.values(STANDARDS).map((s) => s.code)));
  });

  it('delivered 179 certificates at the ceremony, to 114 BASE unionized servants and 65 others', async () => {
    const [ceremony] = stepsOf(steps, 'deliverCertificates').filter((step) => step.input.ceremony === CEREMONY.name);
    const certificates = await app.readModel.certificatesByFolios(ceremony.input.folios, ceremonyDay);
    expect(certificates).toHaveLength(TIJUANA_FIGURES.deliveredAtCeremony);
    for (const certificate of certificates) {
      expect(certificate).toMatchObject({ ceremony: CEREMONY.name, deliveredAt: CEREMONY.at.toISOString(), status: 'VALID', municipality: 'Tijuana' });
    }
    const servants = await app.readModel.servantsByIds(certificates.map((c) => c!.servantId));
    expect(new Set(servants.map((s) => s!.id)).size).toBe(TIJUANA_FIGURES.deliveredAtCeremony);
    const baseUnionized = servants.filter((s) => s!.regime === 'BASE' && s!.unionized);
    expect(baseUnionized).toHaveLength(TIJUANA_FIGURES.baseUnionizedAtCeremony);
  });

  it('reads the personal data back through the vault, accents intact', async () => {
    const first = stepsOf(steps, 'registerServant')[0];
    const [servant] = await app.readModel.servantsByIds([first.input.id!]);
    expect(servant).toMatchObject({ curp: first.input.curp, fullName: first.input.fullName, municipality: first.input.municipality });
  });

  it('counts 410 of 600 towards the goal, the open UTT cohort still in progress', async () => {
    const progress = await app.readModel.goalProgress(GOAL.id);
    expect(progress).toMatchObject({
      achieved: TIJUANA_FIGURES.certifiedByCeremony,
      remaining: TIJUANA_FIGURES.goalTarget - TIJUANA_FIGURES.certifiedByCeremony,
      goal: { target: 600, municipality: 'Tijuana', startsAt: GOAL.startsAt.toISOString(), deadline: GOAL.deadline.toISOString() },
    });
    const end = await app.readModel.certificationStats(TIJUANA, SCENARIO_ENDS);
    expect(end.certifiedServants).toBe(TIJUANA_FIGURES.certifiedByCeremony);
    expect(end.inProgress).toBe(TIJUANA_FIGURES.openCohort);
  });

  it('trains the open cohort in the UTT virtual classrooms from the week after the ceremony', async () => {
    const virtual = stepsOf(steps, 'enrollInTraining').filter((step) => step.input.modality === 'VIRTUAL');
    expect(virtual).toHaveLength(TIJUANA_FIGURES.openCohort);
    expect(virtual.every((step) => step.occurredAt >= new Date('2018-09-25T00:00:00Z'))).toBe(true);
    const [certifications] = await app.readModel.certificationsByServantIds([virtual[0].input.servantId], SCENARIO_ENDS);
    expect(certifications).toEqual([
      expect.objectContaining({ standardCode: 'EC0105', modality: 'VIRTUAL', stage: expect.stringMatching(/^(IN_TRAINING|TRAINED)$/) }),
    ]);
  });

  it('has retakes: NOT_YET_COMPETENT first, then certified', async () => {
    const retakes = stepsOf(steps, 'recordVerdict').filter((step) => step.input.verdict === 'NOT_YET_COMPETENT');
    expect(retakes.length).toBeGreaterThan(0);
    const { servantId, standardCode } = retakes[0].input;
    const certification = await app.readModel.certification(servantId, standardCode, ceremonyDay);
    expect(certification).toMatchObject({ attempts: 2, lastVerdict: 'COMPETENT', stage: 'CERTIFIED' });
  });

  it('certifies a few experienced servants without training', async () => {
    const enrolled = new Set(stepsOf(steps, 'enrollInTraining').map((step) => `${step.input.servantId} ${step.input.standardCode}`));
    const untrained = stepsOf(steps, 'issueCertificate').filter((step) => !enrolled.has(`${step.input.servantId} ${step.input.standardCode}`));
    expect(untrained.length).toBeGreaterThan(0);
    const { servantId, standardCode } = untrained[0].input;
    const certification = await app.readModel.certification(servantId, standardCode, ceremonyDay);
    expect(certification).toMatchObject({ trainingProvider: null, modality: null, stage: 'CERTIFIED' });
  });

  it('ranks Tijuana first among the municipalities', async () => {
    const ranking = await app.readModel.ranking(null, 20, ceremonyDay);
    expect(ranking[0]).toMatchObject({ rank: 1, municipality: 'Tijuana', certifiedServants: TIJUANA_FIGURES.certifiedByCeremony });
    expect(ranking.map((r) => r.municipality)).toEqual(['Tijuana', ...OTHER_MUNICIPALITIES.map((m) => m.municipality)]);
    const bajaCalifornia = await app.readModel.ranking('Baja California', 20, ceremonyDay);
    expect(bajaCalifornia.map((r) => r.state)).toEqual(Array(bajaCalifornia.length).fill('Baja California'));
  });

  it('rebuilds every read model to the same answers, the indexes only readers use built again as they were', async () => {
    const indexes = async () =>
      (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and name like 'rm_%' order by name`.execute(app.readStore.db)).rows;
    const answers = async () => ({
      stats: await app.readModel.certificationStats({ municipality: TIJUANA.municipality }, ceremonyDay),
      goal: await app.readModel.goalProgress(GOAL.id),
      firstPage: await app.readModel.servants({ municipality: TIJUANA.municipality }, { size: 20 }),
    });
    const before = { indexes: await indexes(), answers: await answers() };
    const declared = app.projections.flatMap((projection) => projection.readerIndexes ?? []);
    expect(before.indexes.map((index) => index.name)).toEqual(expect.arrayContaining(declared));

    const rebuild = (projections: readonly Projection[]) =>
      rebuildProjections({ store: app.store, db: app.projectionDb, dialect: 'sqlite', projections, writeLock: app.writeLock });
    const result = await rebuild(app.projections);
    expect(result.events).toBe(Number(await app.store.headPosition()));
    expect(await indexes()).toEqual(before.indexes);
    expect(await answers()).toEqual(before.answers);

    // A rebuild that fails after dropping them leaves them, and the rows, as they were.
    const failing: Projection = {
      name: 'failing',
      version: 1,
      reads: 'every event',
      tables: [],
      migrate: async () => {},
      apply: async (_trx, events) => {
        if (events.some((event) => event.type === 'CertificateDelivered')) throw new Error('cannot apply this');
      },
    };
    await expect(rebuild([...app.projections, failing])).rejects.toBeInstanceOf(PoisonEventError);
    expect(await indexes()).toEqual(before.indexes);
    expect(await answers()).toEqual(before.answers);
  }, 120_000);

  it('appends nothing when seeded again', async () => {
    const head = await app.store.headPosition();
    const again = await seedDemo(app.office);
    expect(await app.store.headPosition()).toBe(head);
    expect(again.lastPosition).toBe(summary.lastPosition);
  }, 60_000);

  it('finishes a seed that stopped half-way without duplicating anything', async () => {
    const other = await temporarySqliteFile();
    const partial = await openApplication(other);
    try {
      const stopAt = Math.floor(steps.length / 2);
      await expect(
        seedDemo(partial.office, {
          onProgress: (done) => {
            if (done === stopAt) throw new Error('interrupted');
          },
        }),
      ).rejects.toThrow('interrupted');
      await seedDemo(partial.office);
      expect(await partial.store.headPosition()).toBe(await app.store.headPosition());
    } finally {
      await partial.close();
      await other.remove();
    }
  }, 120_000);
});
