/**
 * The authorization policy (src/application/authorization.ts) against the
 * contract's matrix (shared/contract/api.md, "Who may do what"), transcribed
 * here row by row, and against the table docs/api.md shows: every action,
 * every role, both sides of every rule, and the errors the API answers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  type Action,
  ForbiddenError,
  POLICY,
  type Place,
  ROLES,
  type Role,
  UnauthenticatedError,
  type Viewer,
  authorize,
  judgesResource,
  permits,
} from '../../src/application/authorization.js';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import { Authorized } from '../../src/graphql/auth.js';

const TIJUANA: Place = { state: 'Baja California', municipality: 'Tijuana' };
const MEXICALI: Place = { state: 'Baja California', municipality: 'Mexicali' };
/** Same municipality name, another state: the scope is the pair. */
const TIJUANA_SONORA: Place = { state: 'Sonora', municipality: 'Tijuana' };

/** The roles that hold an action, under a rule or not. */
const holders = (action: Action): Role[] => ROLES.filter((role) => (POLICY[action] as Partial<Record<Role, unknown>>)[role] !== undefined);

const viewer = (role: Role, sub = `${role.toLowerCase()}-1`): Viewer => ({
  sub,
  role,
  state: role === 'REGISTRAR' ? TIJUANA.state : null,
  municipality: role === 'REGISTRAR' ? TIJUANA.municipality : null,
  expiresAt: Date.now() + 60_000,
});

/**
 * What api.md grants a role: 'yes', 'no', 'own municipality' (a REGISTRAR of
 * Tijuana; reads of elsewhere answer null, commands NOT_FOUND, a new servant
 * elsewhere FORBIDDEN), or 'own verdicts' (evaluatorId = the token's sub).
 */
type Cell = 'yes' | 'no' | 'own municipality' | 'own verdicts';
interface Row {
  /** The operations of the api.md row, as it names them. */
  operations: string;
  actions: Action[];
  cells: Record<Role, Cell>;
}
const cells = (REGISTRAR: Cell, EVALUATOR: Cell, AUDITOR: Cell, ADMIN: Cell): Record<Role, Cell> => ({ REGISTRAR, EVALUATOR, AUDITOR, ADMIN });

const MATRIX: Row[] = [
  { operations: '`servant*`, `certification`, `certificate`', actions: ['servant:read', 'certification:read', 'certificate:read'], cells: cells('own municipality', 'yes', 'yes', 'yes') },
  // api.md's row names evaluators too; evaluators belong to no municipality, so a REGISTRAR reads them all (docs/api.md).
  { operations: '`evaluators`', actions: ['evaluator:read'], cells: cells('yes', 'yes', 'yes', 'yes') },
  { operations: '`Servant.curp`, `servantByCurp`', actions: ['servant:read-curp'], cells: cells('own municipality', 'no', 'yes', 'yes') },
  { operations: '`auditLog`, `streamHistory`, `verifyIntegrity`, `Certification.history`, `inclusionProof`, subscription `auditEvents`', actions: ['audit:read'], cells: cells('no', 'no', 'yes', 'yes') },
  { operations: '`projections`', actions: ['projection:read'], cells: cells('no', 'no', 'yes', 'yes') },
  { operations: '`personalDataAccess`', actions: ['personal-data-access:read'], cells: cells('no', 'no', 'yes', 'yes') },
  { operations: '`Certificate.credential`', actions: ['certificate:read'], cells: cells('own municipality', 'yes', 'yes', 'yes') },
  { operations: 'subscription `certificationChanged`', actions: ['certification:read'], cells: cells('own municipality', 'yes', 'yes', 'yes') },
  { operations: '`cosignCheckpoint`', actions: ['checkpoint:cosign'], cells: cells('no', 'no', 'yes', 'yes') },
  {
    operations: '`reissueCertificate`, `registerWebhook`, `removeWebhook`, `redeliverWebhook`, `webhooks`, `webhookDeliveries`',
    actions: ['certificate:reissue', 'webhook:manage'],
    cells: cells('no', 'no', 'no', 'yes'),
  },
  {
    operations: '`registerServant`, `changeEmployment`, `separateServant`, `enrollInTraining`, `completeTraining`, `deliverCertificates`',
    actions: ['servant:register', 'servant:change-employment', 'servant:separate', 'training:enroll', 'training:complete', 'certificate:deliver'],
    cells: cells('own municipality', 'no', 'no', 'yes'),
  },
  { operations: '`recordVerdict`', actions: ['verdict:record'], cells: cells('no', 'own verdicts', 'no', 'yes') },
  {
    operations: '`publishStandard`, `withdrawStandard`, `accreditEvaluator`, `issueCertificate`, `revokeCertificate`, `setGoal`, `erasePersonalData`',
    actions: ['standard:publish', 'standard:withdraw', 'evaluator:accredit', 'certificate:issue', 'certificate:revoke', 'goal:set', 'personal-data:erase'],
    cells: cells('no', 'no', 'no', 'yes'),
  },
];

/** A resource of each kind the rules judge, at home (Tijuana, the viewer's own sub) and away. */
function resources(action: Action): { home: unknown; away: unknown[] } | null {
  if (action === 'verdict:record') return { home: { evaluatorId: 'evaluator-1' }, away: [{ evaluatorId: 'evaluator-2' }] };
  if (!judgesResource(viewer('REGISTRAR'), action)) return null;
  if (action === 'servant:register' || action.endsWith(':read') || action === 'servant:read-curp') return { home: TIJUANA, away: [MEXICALI, TIJUANA_SONORA] };
  return { home: { name: 'Servant s-1', place: TIJUANA }, away: [{ name: 'Servant s-1', place: MEXICALI }, { name: 'Servant s-1', place: null }] };
}

function refusal(run: () => unknown): AcreditaError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AcreditaError);
    return error as AcreditaError;
  }
  throw new Error('expected a refusal');
}

// The compiler rejects what the policy does not name (tsc checks the test folder too).
// @ts-expect-error an action the policy does not have
const unknownDecorator = () => Authorized('servant:fly');
// @ts-expect-error a resource of the wrong kind for the rule
const wrongResource = () => authorize(null, 'verdict:record', TIJUANA);
// @ts-expect-error an action without rules takes no resource
const needlessResource = () => authorize(null, 'certificate:issue', TIJUANA);

describe('the authorization policy against the api.md matrix', () => {
  it('names every action in exactly one row of the matrix, and every row names only actions of the policy', () => {
    const listed = MATRIX.flatMap((row) => row.actions);
    expect(new Set(listed)).toEqual(new Set(ACTIONS));
    expect(Object.keys(POLICY)).toEqual(ACTIONS);
    void [unknownDecorator, wrongResource, needlessResource];
  });

  it.for(MATRIX.flatMap((row) => row.actions.map((action) => ({ action, row }))).map(({ action, row }) => [action, row.cells] as const))(
    '%s',
    ([action, expected]) => {
      expect(refusal(() => authorize(null, action))).toBeInstanceOf(UnauthenticatedError);
      expect(permits(null, action)).toBe(false);
      expect(holders(action)).toEqual(ROLES.filter((role) => expected[role] !== 'no'));
      for (const role of ROLES) {
        const caller = viewer(role);
        const cell = expected[role];
        if (cell === 'no') {
          const refused = refusal(() => authorize(caller, action));
          expect(refused).toBeInstanceOf(ForbiddenError);
          expect(refused.message).toBe('Your role may not do this');
          expect(permits(caller, action)).toBe(false);
          continue;
        }
        // Role alone (what @Authorized judges): held.
        expect(authorize(caller, action)).toBe(caller);
        expect(permits(caller, action)).toBe(true);
        const ruled = cell === 'own municipality' || cell === 'own verdicts';
        expect(judgesResource(caller, action), `${role} on ${action}`).toBe(ruled);
        const kinds = resources(action);
        if (!ruled || !kinds) continue;
        const check = action as 'verdict:record';
        expect(authorize(caller, check, kinds.home as never)).toBe(caller);
        for (const away of kinds.away) {
          expect(permits(caller, check, away as never), JSON.stringify(away)).toBe(false);
          expect(() => authorize(caller, check, away as never)).toThrow(AcreditaError);
        }
      }
    },
  );

  it('refuses as the API answers: FORBIDDEN for a new servant elsewhere or a foreign evaluatorId, NOT_FOUND for what lives elsewhere', () => {
    const registrar = viewer('REGISTRAR');
    const registering = refusal(() => authorize(registrar, 'servant:register', MEXICALI));
    expect([registering.code, registering.message]).toEqual(['FORBIDDEN', 'A REGISTRAR may only act in its own municipality']);
    for (const action of ['servant:change-employment', 'servant:separate', 'training:enroll', 'training:complete'] as const) {
      for (const place of [MEXICALI, null]) {
        const hidden = refusal(() => authorize(registrar, action, { name: 'Servant 5e5', place }));
        expect([hidden.code, hidden.message]).toEqual(['NOT_FOUND', 'Servant 5e5 does not exist']);
      }
    }
    const folio = refusal(() => authorize(registrar, 'certificate:deliver', { name: 'Certificate TIJ-1', place: MEXICALI }));
    expect([folio.code, folio.message]).toEqual(['NOT_FOUND', 'Certificate TIJ-1 does not exist']);
    const verdict = refusal(() => authorize(viewer('EVALUATOR', 'ev-a'), 'verdict:record', { evaluatorId: 'ev-b' }));
    expect([verdict.code, verdict.message]).toEqual(['FORBIDDEN', 'An evaluator may only record verdicts under its own evaluatorId']);
    const anonymous = refusal(() => authorize(null, 'servant:read'));
    expect([anonymous.code, anonymous.message]).toEqual(['UNAUTHENTICATED', 'Sign in with a token to do this']);
  });

  it('lets ADMIN do everything, whatever the resource, without reading it first', () => {
    const admin = viewer('ADMIN');
    for (const action of ACTIONS) {
      expect(judgesResource(admin, action)).toBe(false);
      expect(authorize(admin, action)).toBe(admin);
    }
    expect(authorize(admin, 'servant:separate', { name: 'Servant x', place: MEXICALI })).toBe(admin);
    expect(authorize(admin, 'verdict:record', { evaluatorId: 'anyone' })).toBe(admin);
  });
});

describe('docs/api.md, "Authorization policy"', () => {
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Authorization policy'));
  const table = section.slice(0, section.indexOf('\n## ', 3));
  const rows = [...table.matchAll(/^\| `([a-z:-]+)` \| ([^|]+) \|/gm)].map(([, action, held]) => [action, held!.trim()] as const);

  it('lists every action once, with the roles that hold it', () => {
    expect(rows.map(([action]) => action)).toEqual(ACTIONS);
    for (const [action, held] of rows) {
      const roles = [...held.matchAll(/\b(ADMIN|REGISTRAR|EVALUATOR|AUDITOR)\b/g)].map((match) => match[1]);
      expect(new Set(roles), action).toEqual(new Set(holders(action as Action)));
    }
  });
});
