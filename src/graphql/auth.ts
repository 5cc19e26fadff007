/**
 * Who is calling: HS256 JWTs (jose) turned into a Viewer, and the bridge from
 * type-graphql's @Authorized to the authorization policy
 * (src/application/authorization.ts), which decides who may do what.
 * A header that is present but unusable is UNAUTHENTICATED, never anonymous.
 */
import { type JWTPayload, SignJWT, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { type AuthChecker, Authorized as TypeGraphQLAuthorized } from 'type-graphql';
import { z } from 'zod';
import { type Action, MUNICIPAL_ROLES, ROLES, type Role, UnauthenticatedError, type Viewer, authorize } from '../application/authorization.js';

export { requireViewer, type Role, type Viewer } from '../application/authorization.js';

const ALGORITHM = 'HS256';

const claimsSchema = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    state: z.string().min(1).optional(),
    municipality: z.string().min(1).optional(),
  })
  .refine((claims) => !MUNICIPAL_ROLES.includes(claims.role) || (claims.state !== undefined && claims.municipality !== undefined), {
    message: 'a REGISTRAR token needs state and municipality',
  });

const secretKey = (secret: string): Uint8Array => new TextEncoder().encode(secret);

export interface TokenClaims {
  role: Role;
  sub: string;
  state?: string | null;
  municipality?: string | null;
  /** jose time span, e.g. '1h', '30m', '7d' (default '1h'). */
  ttl?: string;
}

/** MAX_TOKEN_TTL's default: a day. */
export const DEFAULT_MAX_TOKEN_TTL_SECONDS = 24 * 60 * 60;
/** How far a token's iat may lie ahead of our clock (clocks of two machines disagree a little). */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Signs a token the server accepts (used by `acredita token` and the tests).
 * A lifetime beyond `maxTtlSeconds` is refused: the server would refuse the token.
 */
export async function signToken(claims: TokenClaims, secret: string, maxTtlSeconds = DEFAULT_MAX_TOKEN_TTL_SECONDS): Promise<string> {
  const parsed = claimsSchema.parse({
    sub: claims.sub,
    role: claims.role,
    state: claims.state ?? undefined,
    municipality: claims.municipality ?? undefined,
  });
  const token = await new SignJWT({ role: parsed.role, state: parsed.state, municipality: parsed.municipality })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(parsed.sub)
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '1h')
    .sign(secretKey(secret));
  const { iat, exp } = decodeJwt(token);
  if (exp! - iat! > maxTtlSeconds) throw new RangeError(`the lifetime ${claims.ttl} exceeds MAX_TOKEN_TTL (${maxTtlSeconds} s)`);
  return token;
}

export interface TokenPolicy {
  secret: string;
  /** MAX_TOKEN_TTL: a token whose exp lies further ahead than this is refused. */
  maxTtlSeconds?: number;
}

/**
 * Turns `Authorization` header values (HTTP header or graphql-ws connection
 * param) into Viewers under one secret and one lifetime policy. One per server.
 * Tokens already verified are kept, so a client repeating its token skips the
 * key import, the HMAC and the claims check on every request; an entry holds
 * only until the token's exp (as jose judges it: expired once exp <= now in
 * whole seconds).
 */
export class TokenVerifier {
  private readonly key: Uint8Array;
  private readonly maxTtlSeconds: number;
  private readonly verified = new LRUCache<string, Viewer>({ max: 1_000 });

  constructor(policy: TokenPolicy) {
    this.key = secretKey(policy.secret);
    this.maxTtlSeconds = policy.maxTtlSeconds ?? DEFAULT_MAX_TOKEN_TTL_SECONDS;
  }

  /** Absent or blank: anonymous (null). Anything else must be a valid token. */
  async authenticate(authorization: string | undefined | null): Promise<Viewer | null> {
    if (authorization === undefined || authorization === null || authorization.trim() === '') return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <token>"');
    const token = match[1];
    const remembered = this.verified.get(token);
    if (remembered && Date.now() < remembered.expiresAt) return remembered;
    if (remembered) this.verified.delete(token);
    const viewer = await this.verify(token);
    this.verified.set(token, viewer);
    return viewer;
  }

  private async verify(token: string): Promise<Viewer> {
    let payload: JWTPayload;
    try {
      // Pinning the algorithm refuses alg "none" and any other algorithm; a token without exp would never expire.
      ({ payload } = await jwtVerify(token, this.key, { algorithms: [ALGORITHM], requiredClaims: ['exp'] }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new UnauthenticatedError('The token has expired');
      throw new UnauthenticatedError('The token is not valid');
    }
    const now = Math.floor(Date.now() / 1000);
    if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS) throw new UnauthenticatedError('The token was issued in the future');
    if (payload.exp! - now > this.maxTtlSeconds + CLOCK_SKEW_SECONDS) {
      throw new UnauthenticatedError(`The token lives longer than MAX_TOKEN_TTL allows (${this.maxTtlSeconds} s)`);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new UnauthenticatedError('The token lacks the required claims');
    const { sub, role, state, municipality } = claims.data;
    // Frozen: one object serves every request that carries this token.
    return Object.freeze({ sub, role, state: state ?? null, municipality: municipality ?? null, expiresAt: payload.exp! * 1000 });
  }
}

/**
 * @Authorized with one action of the policy: an unknown action does not
 * compile. On a subscription it is judged when the client subscribes.
 */
export const Authorized = (action: Action): ReturnType<typeof TypeGraphQLAuthorized> => TypeGraphQLAuthorized<Action>(action);

/** Judges the action's roles; the resolver judges its rule on the resource once it has read it. */
export const authChecker: AuthChecker<{ viewer: Viewer | null }, Action> = ({ context }, actions) => {
  for (const action of actions) authorize(context.viewer, action);
  return true;
};
