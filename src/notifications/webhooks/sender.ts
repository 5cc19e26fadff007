/**
 * One POST to an endpoint: no redirects followed, the address checked at
 * connection time (url-guard.ts), a bounded wait and a bounded read of the answer.
 */
import http from 'node:http';
import https from 'node:https';
import { publicOnlyLookup, refuseNonPublicLiteral } from './url-guard.js';

export interface SendOutcome {
  ok: boolean;
  /** The HTTP status, or null when no answer came (refused, timed out, reset). */
  status: number | null;
  /** Why it failed, short and without response bodies. */
  error: string | null;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<SendOutcome> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(target);
      if (!options.allowPrivate) refuseNonPublicLiteral(url);
    } catch (error) {
      resolve({ ok: false, status: null, error: (error as Error).message });
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'Acredita-Webhooks/1', ...headers },
      timeout: options.timeoutMs,
      ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    const finish = (outcome: SendOutcome) => {
      clearTimeout(deadline);
      resolve(outcome);
    };
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => finish({ ok: false, status: null, error: error.message.slice(0, 300) }));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      const done = () => finish({ ok: status >= 200 && status < 300, status, error: status >= 200 && status < 300 ? null : `HTTP ${status}` });
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.end(body);
  });
}
