/**
 * The public credential endpoints (api.md "Endpoints"), as one handler the
 * HTTP server calls before its own routes. Everything here is public and
 * holds no personal data once the holder's data is erased.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RateLimiter } from '../app/rate-limit.js';
import { AcreditaError } from '../domain/shared/errors.js';
import { parseFolio } from '../domain/shared/validation.js';
import { type PageLanguage, PAGE_CSP, renderVerifyPage } from './page.js';
import { certificatePdf } from './pdf.js';
import type { CredentialService } from './service.js';
import { VC_JWT_MEDIA_TYPE } from './signing.js';

/** VC 2.0 credentials as JSON-LD (application/vc+ld+json is what wallets recognise today). */
export const VC_LD_MEDIA_TYPE = 'application/vc+ld+json';

type Reply = { status: number; type: string; body: string | Buffer; headers?: Record<string, string> };

const json = (status: number, body: unknown, type = 'application/json; charset=utf-8'): Reply => ({ status, type, body: JSON.stringify(body, null, 2) });
const problem = (status: number, code: string, message: string): Reply => json(status, { error: message, code });

const NOT_FOUND = (what: string) => problem(404, 'NOT_FOUND', `${what} was not found`);
const ERASED = problem(410, 'PERSONAL_DATA_ERASED', "The holder's personal data was erased; the certificate's status is still public at /verify/<folio>");

/** A path segment decoded, or null when it is not valid percent-encoding. */
function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function folioOf(segment: string): string {
  const decoded = decodeSegment(segment);
  // parseFolio names what is wrong (BAD_USER_INPUT).
  return parseFolio(decoded ?? '\u0000');
}

async function credentialReply(service: CredentialService, segment: string, form: 'ld' | 'jwt'): Promise<Reply> {
  const lookup = await service.lookup(folioOf(segment));
  if (lookup.kind === 'not_found') return NOT_FOUND('Certificate');
  if (lookup.kind === 'erased') return ERASED;
  if (form === 'jwt') return { status: 200, type: VC_JWT_MEDIA_TYPE, body: await service.jwtOf(lookup.facts) };
  return json(200, await service.credentialOf(lookup.facts), VC_LD_MEDIA_TYPE);
}

async function pdfReply(service: CredentialService, segment: string): Promise<Reply> {
  const lookup = await service.lookup(folioOf(segment));
  if (lookup.kind === 'not_found') return NOT_FOUND('Certificate');
  if (lookup.kind === 'erased') return ERASED;
  const body = await certificatePdf(lookup.facts, service.issuer);
  const filename = `certificado-${lookup.folio.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
  return { status: 200, type: 'application/pdf', body, headers: { 'content-disposition': `inline; filename="${filename}"` } };
}

async function pageReply(service: CredentialService, segment: string, lang: PageLanguage, now: Date): Promise<Reply> {
  let folio: string;
  try {
    folio = folioOf(segment);
  } catch (error) {
    if (!(error instanceof AcreditaError)) throw error;
    folio = (decodeSegment(segment) ?? segment).slice(0, 64);
    const html = renderVerifyPage(
      { folio, askedPrintedFolio: null, lookup: { kind: 'not_found', folio }, statusNow: null, signature: null, statusList: null, proof: null },
      { lang, baseUrl: service.issuer.baseUrl, issuerName: service.issuer.name, now },
    );
    return { status: 400, type: 'text/html; charset=utf-8', body: html, headers: { 'content-security-policy': PAGE_CSP } };
  }
  const check = await service.publicCheck(folio);
  const html = renderVerifyPage(check, { lang, baseUrl: service.issuer.baseUrl, issuerName: service.issuer.name, now });
  return { status: check.lookup.kind === 'not_found' ? 404 : 200, type: 'text/html; charset=utf-8', body: html, headers: { 'content-security-policy': PAGE_CSP } };
}

async function route(service: CredentialService, pathname: string, search: URLSearchParams, now: () => Date): Promise<Reply | null> {
  if (pathname === '/.well-known/did.json') return json(200, service.didDocument(), 'application/did+ld+json');
  let match = /^\/credentials\/status\/([^/]+)$/.exec(pathname);
  if (match) {
    if (!/^(0|[1-9][0-9]{0,8})$/.test(match[1]!)) return problem(400, 'BAD_USER_INPUT', 'A status list is named by a non-negative integer');
    const list = await service.statusList(Number(match[1]));
    return list ? json(200, list, VC_LD_MEDIA_TYPE) : NOT_FOUND('Status list');
  }
  match = /^\/credentials\/([^/]+)\.jwt$/.exec(pathname);
  if (match) return credentialReply(service, match[1]!, 'jwt');
  match = /^\/credentials\/([^/]+)$/.exec(pathname);
  if (match) return credentialReply(service, match[1]!, 'ld');
  match = /^\/certificates\/([^/]+)\.pdf$/.exec(pathname);
  if (match) return pdfReply(service, match[1]!);
  match = /^\/verify\/([^/]+)$/.exec(pathname);
  if (match) return pageReply(service, match[1]!, search.get('lang') === 'en' ? 'en' : 'es', now());
  match = /^\/achievements\/([^/]+)$/.exec(pathname);
  if (match) {
    const code = decodeSegment(match[1]!) ?? '';
    const [standard] = /^EC\d{4}(\.\d{2})?$/.test(code) ? await service.standards([code]) : [null];
    return standard ? json(200, service.achievement(standard)) : NOT_FOUND('Standard');
  }
  return null;
}

export interface CredentialRoutes {
  /** Answers the request and returns true when the path is one of ours; false leaves it to the caller. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/**
 * Paths that answer whether a folio exists: like verifyCertificate, each is a
 * guess at a folio, so they take a token from the caller's bucket
 * (PUBLIC_RATE_LIMIT). Status lists, the DID document and achievements name no
 * folio and stay unlimited: verifiers fetch them often.
 */
const FOLIO_LOOKUP = /^\/(credentials\/(?!status\/)[^/]+|certificates\/[^/]+\.pdf|verify\/[^/]+)$/;

export function credentialRoutes(service: CredentialService, now: () => Date = () => new Date(), limiter: RateLimiter | null = null): CredentialRoutes {
  return {
    async handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!/^\/(\.well-known\/did\.json|credentials\/|certificates\/|verify\/|achievements\/)/.test(url.pathname)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.statusCode = 405;
        res.setHeader('allow', 'GET, HEAD');
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ error: 'Method not allowed', code: 'METHOD_NOT_ALLOWED' }));
        return true;
      }
      if (limiter && FOLIO_LOOKUP.test(url.pathname)) {
        const decision = limiter.take(req.socket.remoteAddress ?? 'unknown');
        if (!decision.allowed) {
          res.statusCode = 429;
          res.setHeader('retry-after', String(decision.retryAfterSeconds));
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.end(JSON.stringify({ error: `Too many folio look-ups; try again in ${decision.retryAfterSeconds} s`, code: 'RATE_LIMITED', retryAfterSeconds: decision.retryAfterSeconds }));
          return true;
        }
      }
      let reply: Reply | null;
      try {
        reply = await route(service, url.pathname, url.searchParams, now);
      } catch (error) {
        if (!(error instanceof AcreditaError)) throw error;
        reply = problem(400, error.code, error.message);
      }
      if (!reply) return false;
      res.statusCode = reply.status;
      res.setHeader('content-type', reply.type);
      res.setHeader('cache-control', 'no-cache');
      // Verifiers running in a browser on another origin read these.
      res.setHeader('access-control-allow-origin', '*');
      res.setHeader('x-content-type-options', 'nosniff');
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      res.end(req.method === 'HEAD' ? undefined : reply.body);
      return true;
    },
  };
}

/**
 * For the HTTP server: true when the request was one of ours and is answered.
 * `folios` is the server's PUBLIC_RATE_LIMIT buckets, which GraphQL's folio look-ups share (none when null).
 */
export function handleCredentialRequest(
  req: IncomingMessage,
  res: ServerResponse,
  service: CredentialService | undefined,
  now: () => Date,
  folios: RateLimiter | null,
): Promise<boolean> {
  if (!service) return Promise.resolve(false);
  return credentialRoutes(service, now, folios).handle(req, res);
}
