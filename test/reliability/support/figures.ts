/**
 * How hard each reliability test pushes. `npm test` runs the short figures
 * (all reliability tests together in about a minute); `npm run test:stress`
 * (STRESS=1) the full ones. docs/reliability.md records the runs.
 */
export const STRESS = process.env.STRESS === '1';

export const FIGURES = STRESS
  ? {
      load: { clients: 64, seconds: 60 },
      crash: { clients: 16, kills: 10 },
      lostDatabase: { clients: 8, terminations: 5 },
      fuzz: { cases: 2_000 },
      privacy: { clients: 3, seconds: 2 },
    }
  : {
      load: { clients: 8, seconds: 5 },
      crash: { clients: 6, kills: 2 },
      lostDatabase: { clients: 4, terminations: 1 },
      fuzz: { cases: 200 },
      privacy: { clients: 2, seconds: 1 },
    };

/** A test's own bound: generous, since a loaded CI machine starts servers slowly. */
export const timeoutFor = (seconds: number): number => (seconds + 120) * 1_000;
