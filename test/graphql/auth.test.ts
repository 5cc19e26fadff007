import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import { TokenVerifier, signToken } from '../../src/graphql/auth.js';

const SECRET = 'test-secret-with-enough-length-0123456789';
const key = new TextEncoder().encode(SECRET);
const verifier = new TokenVerifier({ secret: SECRET });
const authenticate = (header: string | undefined, secret = SECRET) =>
  (secret === SECRET ? verifier : new TokenVerifier({ secret })).authenticate(header);

async function refusal(header: string): Promise<AcreditaError> {
  const error = await authenticate(header, SECRET).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AcreditaError);
  expect((error as AcreditaError).code).toBe('UNAUTHENTICATED');
  return error as AcreditaError;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('authenticate', () => {
  it('treats a missing or blank header as anonymous', async () => {
    expect(await authenticate(undefined, SECRET)).toBeNull();
    expect(await authenticate('', SECRET)).toBeNull();
    expect(await authenticate('   ', SECRET)).toBeNull();
  });

  it('accepts tokens it signed, for every role', async () => {
    for (const role of ['ADMIN', 'EVALUATOR', 'AUDITOR'] as const) {
      const token = await signToken({ role, sub: `u-${role}` }, SECRET);
      expect(await authenticate(`Bearer ${token}`, SECRET)).toMatchObject({ sub: `u-${role}`, role, state: null, municipality: null });
    }
    const token = await signToken({ role: 'REGISTRAR', sub: 'r1', state: 'Baja California', municipality: 'Tijuana' }, SECRET);
    expect(await authenticate(`bearer ${token}`, SECRET)).toMatchObject({
      sub: 'r1',
      role: 'REGISTRAR',
      state: 'Baja California',
      municipality: 'Tijuana',
    });
  });

  it('refuses to sign a REGISTRAR token without its municipality', async () => {
    await expect(signToken({ role: 'REGISTRAR', sub: 'r1', state: 'Baja California' }, SECRET)).rejects.toThrow(/state and municipality/);
  });

  it('refuses a REGISTRAR token that lacks state or municipality, even when correctly signed', async () => {
    const token = await new SignJWT({ role: 'REGISTRAR', municipality: 'Tijuana' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('r1')
      .setExpirationTime('1h')
      .sign(key);
    await refusal(`Bearer ${token}`);
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const token = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setIssuedAt(past - 3600)
      .setExpirationTime(past)
      .sign(key);
    expect((await refusal(`Bearer ${token}`)).message).toMatch(/expired/);
  });

  describe('a token verified before (kept so repeated requests skip the HMAC)', () => {
    afterEach(() => vi.useRealTimers());

    it('is refused once it expires', async () => {
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime(exp).sign(key);
      expect(await authenticate(`Bearer ${token}`, SECRET)).toMatchObject({ sub: 'a', role: 'ADMIN' });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(exp * 1000 - 1);
      expect(await authenticate(`Bearer ${token}`, SECRET)).toMatchObject({ sub: 'a', role: 'ADMIN' });
      vi.setSystemTime(exp * 1000);
      expect((await refusal(`Bearer ${token}`)).message).toMatch(/expired/);
    });

    it('is refused under another secret', async () => {
      const token = await signToken({ role: 'ADMIN', sub: 'a' }, SECRET);
      expect(await authenticate(`Bearer ${token}`, SECRET)).toMatchObject({ sub: 'a' });
      await expect(authenticate(`Bearer ${token}`, 'another-secret-0123456789abcdef')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  it('refuses a token signed with another secret', async () => {
    await refusal(`Bearer ${await signToken({ role: 'ADMIN', sub: 'a' }, 'another-secret-0123456789abcdef')}`);
  });

  it('refuses an unsigned (alg none) token', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'a', role: 'ADMIN', exp: 9999999999 })}.`;
    await refusal(`Bearer ${token}`);
  });

  it('refuses a token with another algorithm, even with the right secret', async () => {
    const token = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS512' }).setSubject('a').setExpirationTime('1h').sign(key);
    await refusal(`Bearer ${token}`);
  });

  it('refuses unknown roles, a missing sub, garbage and other schemes', async () => {
    const noSub = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key);
    const badRole = await new SignJWT({ role: 'ROOT' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setExpirationTime('1h').sign(key);
    for (const header of [`Bearer ${noSub}`, `Bearer ${badRole}`, 'Bearer not-a-jwt', 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
      await refusal(header);
    }
  });
});

describe('token lifetime (MAX_TOKEN_TTL)', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const adminToken = (iat: number, exp: number) =>
    new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuedAt(iat).setExpirationTime(exp).sign(key);

  it('refuses a token whose exp lies further ahead than the policy allows (default 24 h)', async () => {
    expect((await refusal(`Bearer ${await adminToken(now(), now() + 100 * 365 * 86400)}`)).message).toMatch(/MAX_TOKEN_TTL/);
    expect((await refusal(`Bearer ${await adminToken(now(), now() + 25 * 3600)}`)).message).toMatch(/MAX_TOKEN_TTL/);
    expect(await authenticate(`Bearer ${await adminToken(now(), now() + 23 * 3600)}`)).toMatchObject({ role: 'ADMIN' });
    const strict = new TokenVerifier({ secret: SECRET, maxTtlSeconds: 600 });
    await expect(strict.authenticate(`Bearer ${await adminToken(now(), now() + 3600)}`)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses an iat in the future beyond a minute of clock skew, and carries exp as expiresAt', async () => {
    expect((await refusal(`Bearer ${await adminToken(now() + 10 * 3600, now() + 11 * 3600)}`)).message).toMatch(/future/);
    const exp = now() + 3600;
    expect(await authenticate(`Bearer ${await adminToken(now() + 30, exp)}`)).toMatchObject({ expiresAt: exp * 1000 });
  });

  it('will not sign a token the server would refuse', async () => {
    await expect(signToken({ role: 'ADMIN', sub: 'a', ttl: '100000d' }, SECRET)).rejects.toThrow(/MAX_TOKEN_TTL/);
    await expect(signToken({ role: 'ADMIN', sub: 'a', ttl: '2h' }, SECRET, 3600)).rejects.toThrow(/MAX_TOKEN_TTL/);
    expect(await authenticate(`Bearer ${await signToken({ role: 'ADMIN', sub: 'a', ttl: '24h' }, SECRET)}`)).toMatchObject({ sub: 'a' });
  });
});
