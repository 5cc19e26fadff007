/**
 * The authorization policy: who may do what (shared/contract/api.md, "Who may
 * do what"), as named actions. Every entry point asks the same `authorize` or
 * `permits`: GraphQL's @Authorized (queries, mutations, subscriptions), the
 * resolvers' checks on the resource, and the command line.
 *
 * An action maps each role that holds it to a grant: `true` (always), or a
 * rule on the resource ("a REGISTRAR only in its municipality", "an EVALUATOR
 * only its own verdicts"). A role absent from an action does not hold it.
 * Without a resource only the role is judged: @Authorized does that, and the
 * resolver judges the rule once it has read the resource.
 */
import { AcreditaError, NotFoundError } from '../domain/shared/errors.js';

export const ROLES = ['ADMIN', 'REGISTRAR', 'EVALUATOR', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose grants are judged on their municipality: their tokens must name one (claims state and municipality). */
export const MUNICIPAL_ROLES: readonly Role[] = ['REGISTRAR'];

/** An authenticated caller; anonymous callers are `null`. */
export interface Viewer {
  sub: string;
  role: Role;
  /** Set (and required) for a REGISTRAR. */
  state: string | null;
  municipality: string | null;
  /** When the token expires, ms since the epoch: a socket opened with it closes then. */
  expiresAt: number;
}

/** Where something lives, for the REGISTRAR scope. */
export interface Place {
  state: string;
  municipality: string;
}

/**
 * Something a command names, as the REGISTRAR scope judges it: where it lives
 * (null when it does not exist) and how NOT_FOUND names it ("Servant <id>").
 */
export interface Named {
  name: string;
  place: Place | null;
}

export class UnauthenticatedError extends AcreditaError {
  constructor(message = 'Sign in with a token to do this') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends AcreditaError {
  constructor(message = 'Your role may not do this') {
    super('FORBIDDEN', message);
  }
}

/** A condition on the resource, and what refusing it answers. */
interface Rule<R> {
  holds(viewer: Viewer, resource: R): boolean;
  refusal(resource: R): AcreditaError;
}

type Grant<R> = true | Rule<R>;
type Grants<R> = Partial<Record<Role, Grant<R>>>;

const inMunicipality = (viewer: Viewer, place: Place): boolean => viewer.state === place.state && viewer.municipality === place.municipality;

/** Reads: another municipality's thing is not shown (the resolver answers null), so the refusal is never sent. */
const OWN_MUNICIPALITY_READ: Rule<Place> = {
  holds: inMunicipality,
  refusal: () => new NotFoundError('Not found'),
};

/** A new thing placed in another municipality: nothing there to hide, so FORBIDDEN. */
const OWN_MUNICIPALITY_WRITE: Rule<Place> = {
  holds: inMunicipality,
  refusal: () => new ForbiddenError('A REGISTRAR may only act in its own municipality'),
};

/** An existing thing of another municipality answers exactly as one that does not exist (the Office's own words). */
const OWN_MUNICIPALITY_CHANGE: Rule<Named> = {
  holds: (viewer, { place }) => place !== null && inMunicipality(viewer, place),
  refusal: ({ name }) => new NotFoundError(`${name} does not exist`),
};

const OWN_VERDICTS: Rule<{ evaluatorId: string }> = {
  holds: (viewer, { evaluatorId }) => evaluatorId === viewer.sub,
  refusal: () => new ForbiddenError('An evaluator may only record verdicts under its own evaluatorId'),
};

const ADMIN_ONLY: Grants<never> = { ADMIN: true };
const AUDITORS: Grants<never> = { AUDITOR: true, ADMIN: true };
const SIGNED_IN_MUNICIPAL: Grants<Place> = { ADMIN: true, AUDITOR: true, EVALUATOR: true, REGISTRAR: OWN_MUNICIPALITY_READ };
const REGISTRAR_CHANGE: Grants<Named> = { ADMIN: true, REGISTRAR: OWN_MUNICIPALITY_CHANGE };

/** The api.md matrix. Public operations name no action: they are open to anyone. */
export const POLICY = {
  'servant:read': SIGNED_IN_MUNICIPAL,
  'certification:read': SIGNED_IN_MUNICIPAL,
  'certificate:read': SIGNED_IN_MUNICIPAL,
  'evaluator:read': { ADMIN: true, AUDITOR: true, EVALUATOR: true, REGISTRAR: true },
  /** Servant.curp and servantByCurp: an answer confirms a CURP. */
  'servant:read-curp': { ADMIN: true, AUDITOR: true, REGISTRAR: OWN_MUNICIPALITY_READ },
  /** auditLog, streamHistory, verifyIntegrity, Certification.history, inclusionProof, auditEvents. */
  'audit:read': AUDITORS,
  'projection:read': AUDITORS,
  'personal-data-access:read': AUDITORS,
  'checkpoint:cosign': AUDITORS,
  'servant:register': { ADMIN: true, REGISTRAR: OWN_MUNICIPALITY_WRITE },
  'servant:change-employment': REGISTRAR_CHANGE,
  'servant:separate': REGISTRAR_CHANGE,
  'training:enroll': REGISTRAR_CHANGE,
  'training:complete': REGISTRAR_CHANGE,
  'certificate:deliver': REGISTRAR_CHANGE,
  'verdict:record': { ADMIN: true, EVALUATOR: OWN_VERDICTS },
  'standard:publish': ADMIN_ONLY,
  'standard:withdraw': ADMIN_ONLY,
  'evaluator:accredit': ADMIN_ONLY,
  'certificate:issue': ADMIN_ONLY,
  'certificate:revoke': ADMIN_ONLY,
  'certificate:reissue': ADMIN_ONLY,
  'goal:set': ADMIN_ONLY,
  'personal-data:erase': ADMIN_ONLY,
  /** registerWebhook, removeWebhook, redeliverWebhook, webhooks, webhookDeliveries. */
  'webhook:manage': ADMIN_ONLY,
} as const satisfies Record<string, Grants<never> | Grants<Place> | Grants<Named> | Grants<{ evaluatorId: string }>>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

type RuleResource<G> = G extends Rule<infer R> ? R : never;
/** What an action's rules judge; `never` where no role holds it under a rule. */
export type ResourceOf<A extends Action> = { [R in Role]: RuleResource<(typeof POLICY)[A][R & keyof (typeof POLICY)[A]]> }[Role];

function grantOf(viewer: Viewer, action: Action): Grant<unknown> | undefined {
  return (POLICY[action] as Grants<unknown>)[viewer.role];
}

/** The viewer, or UNAUTHENTICATED for an anonymous caller. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw new UnauthenticatedError();
  return viewer;
}

/**
 * Refuses, or returns the viewer: UNAUTHENTICATED when anonymous, FORBIDDEN
 * when its role does not hold the action, and the rule's own refusal when a
 * resource is given and the rule does not hold for it.
 */
export function authorize<A extends Action>(viewer: Viewer | null, action: A, resource?: ResourceOf<A>): Viewer {
  const signedIn = requireViewer(viewer);
  const grant = grantOf(signedIn, action);
  if (grant === undefined) throw new ForbiddenError();
  if (grant !== true && resource !== undefined && !grant.holds(signedIn, resource)) throw grant.refusal(resource);
  return signedIn;
}

/** `authorize` as a question: for reads, which answer null (no existence leak) instead of an error. */
export function permits<A extends Action>(viewer: Viewer | null, action: A, resource?: ResourceOf<A>): boolean {
  if (!viewer) return false;
  const grant = grantOf(viewer, action);
  if (grant === undefined) return false;
  return grant === true || resource === undefined || grant.holds(viewer, resource);
}

/** Whether the viewer's grant depends on the resource: only then must the resolver read it before the command. */
export function judgesResource(viewer: Viewer | null, action: Action): boolean {
  const grant = viewer ? grantOf(viewer, action) : undefined;
  return grant !== undefined && grant !== true;
}
