import { MUNICIPAL_ROLES, ROLES, type Role } from '../../application/authorization.js';
import { signToken } from '../../graphql/auth.js';
import { CliError, EXIT } from './runtime.js';

export interface TokenOptions {
  role: string;
  sub?: string;
  state?: string;
  municipality?: string;
  ttl: string;
}

/** A token signed with JWT_SECRET, for the explorer, scripts and tests. */
export async function makeToken(options: TokenOptions, secret: string, maxTtlSeconds?: number): Promise<string> {
  const role = options.role.toUpperCase() as Role;
  if (!ROLES.includes(role)) throw new CliError(`--role must be one of ${ROLES.join(', ')}`, EXIT.usage);
  if (MUNICIPAL_ROLES.includes(role) && (!options.state || !options.municipality)) {
    throw new CliError(`a ${role} token needs --state and --municipality`, EXIT.usage);
  }
  try {
    return await signToken(
      { role, sub: options.sub ?? `${role.toLowerCase()}@cli`, state: options.state, municipality: options.municipality, ttl: options.ttl },
      secret,
      maxTtlSeconds,
    );
  } catch (error) {
    throw new CliError(`cannot sign the token: ${(error as Error).message}`, EXIT.usage);
  }
}
