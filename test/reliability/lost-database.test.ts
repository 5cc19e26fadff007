/**
 * Lost database (PostgreSQL): while clients write, every connection of the
 * server process is terminated by the database (pg_terminate_backend, as a
 * failover or an administrator would). The server must not crash, must
 * reconnect by itself (pool, projection runner and its advisory locks, LISTEN),
 * report its state on /health and lose nothing it acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import { testDatabaseUrl } from '../support/postgres.js';
import { gql, must } from './support/client.js';
import { FIGURES, timeoutFor } from './support/figures.js';
import { auditLog, expectReadModelsMatch, readWholeLog } from './support/ledger.js';
import { openStage, reachableBackends, recordFigures, type Stage } from './support/setup.js';
import { Workload } from './support/workload.js';

const { clients, terminations } = FIGURES.lostDatabase;
const RECOVERY_MS = 30_000;

/** Ends every session of the server process, found by the application_name it was given (PGAPPNAME). */
async function terminateServerSessions(applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    // In the select list, not the WHERE clause: PostgreSQL may evaluate WHERE conditions in any
    // order, and must not terminate a session before the filter has excluded it.
    const { rows } = await admin.query<{ ended: boolean }>(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and application_name = $1`,
      [applicationName],
    );
    return rows.filter((row) => row.ended).length;
  } finally {
    await admin.end();
  }
}

async function health(origin: string): Promise<number> {
  try {
    return (await fetch(`${origin}/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

const postgres = (await reachableBackends()).find(([backend]) => backend === 'postgres')!;

describe('PostgreSQL connections terminated mid-load', () => {
  let stage: Stage | undefined;
  afterEach(async () => {
    await stage?.close();
    stage = undefined;
  });

  it.skipIf(!postgres[1])(
    `${terminations} terminations: no crash, /health recovers by itself, nothing acknowledged is lost`,
    async () => {
      const applicationName = `acredita-reliability-${randomBytes(4).toString('hex')}`;
      stage = await openStage('postgres', { extraEnv: { PGAPPNAME: applicationName } });
      const { server, local } = stage;
      const options = {
        endpoint: server.endpoint,
        adminToken: stage.adminToken,
        clients,
        durationMs: 3_600_000,
        run: 'lostdb',
        retryUnacknowledged: true,
      };
      const { base, acknowledged: seeded } = await Workload.seed(options);
      const workload = new Workload(options, base);
      const running = workload.run();
      const started = performance.now();
      const rounds: { sessions: number; saw503: boolean; recoveredMs: number }[] = [];
      try {
        for (let round = 0; round < terminations; round++) {
          const before = workload.report.acknowledged.length;
          while (workload.report.acknowledged.length < before + 5) await sleep(20);
          const sessions = await terminateServerSessions(applicationName);
          expect(sessions).toBeGreaterThan(0);
          const cut = Date.now();
          let saw503 = false;
          let status = 0;
          while (Date.now() - cut < RECOVERY_MS) {
            status = await health(server.origin);
            if (status === 503) saw503 = true;
            if (status === 200 && (saw503 || Date.now() - cut > 500)) break;
            await sleep(50);
          }
          expect(status, `health after the database came back; the server said:\n${server.output().slice(-3000)}`).toBe(200);
          // Recovered means writing again, not only answering /health.
          const acknowledgedAtRecovery = workload.report.acknowledged.length;
          const writing = Date.now();
          while (workload.report.acknowledged.length < acknowledgedAtRecovery + 3 && Date.now() - writing < RECOVERY_MS) await sleep(20);
          expect(workload.report.acknowledged.length).toBeGreaterThanOrEqual(acknowledgedAtRecovery + 3);
          rounds.push({ sessions, saw503, recoveredMs: Date.now() - cut });
        }
      } finally {
        workload.finish();
      }
      const report = await running;
      const elapsed = (performance.now() - started) / 1_000;

      expect(report.unexpected).toEqual([]);
      expect(server.starts, 'the server never died').toBe(1);
      const acknowledged = [...seeded, ...report.acknowledged];
      const events = await readWholeLog(local.app.store);
      expect(auditLog(events, acknowledged, report.refused, true)).toEqual([]);
      await expectReadModelsMatch(server.endpoint, stage.adminToken, report, base);
      const { projections } = must(await gql(server.endpoint, 'query { projections { name lag } }', {}, stage.adminToken)) as {
        projections: { name: string; lag: number }[];
      };
      expect(projections.every((projection) => projection.lag === 0)).toBe(true);
      expect(await verifyIntegrity(local.app.store)).toMatchObject({ ok: true, checkedEvents: events.length });
      expect(server.output()).not.toMatch(/uncaught|unhandled/i);

      recordFigures('lost-database', 'postgres', {
        clients,
        seconds: Number(elapsed.toFixed(1)),
        terminations: rounds.length,
        sessionsTerminated: rounds.reduce((sum, round) => sum + round.sessions, 0),
        health503Seen: rounds.filter((round) => round.saw503).length,
        slowestRecoveryMs: Math.max(...rounds.map((round) => round.recoveredMs)),
        requests: report.requests,
        retries: report.retries,
        mutationsAcknowledged: acknowledged.length,
        events: events.length,
        lost: 0,
      });
    },
    timeoutFor(terminations * 30),
  );
});
