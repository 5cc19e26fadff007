/**
 * The hardening headers every response carries (helmet's defaults, api.md):
 * nosniff, no framing, a same-origin resource policy, no referrer, HSTS, and a
 * Content-Security-Policy that lets a JSON answer, a PDF or an error load
 * nothing. Pages set their own policy over it (the explorer, the public
 * verification page), keeping `frame-ancestors 'none'`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

const middleware = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
});

export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
  // helmet's middleware sets headers synchronously and calls next before it returns.
  middleware(req, res, () => {});
}
