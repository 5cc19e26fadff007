/**
 * The HTTP load client, in its own process so it does not share the server's
 * event loop. Loopback only, bounded in requests and time. Input: a JSON file
 * (argv[2]) with url, headers, bodies (used in turn), concurrency, maxRequests,
 * durationMs, warmupRequests. Output: one JSON line with the counts and latencies.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

export interface LoadConfig {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  concurrency: number;
  maxRequests: number;
  durationMs: number;
  warmupRequests: number;
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as LoadConfig;
const url = new URL(config.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`the load client only targets loopback, not ${url.hostname}`);
const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });

function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...config.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let next = 0;
const take = () => config.bodies[next++ % config.bodies.length];
const failed = (r: { status: number; text: string }) => r.status !== 200 || r.text.includes('"errors"');
let firstError: string | null = null;

for (let i = 0; i < config.warmupRequests; i++) {
  const r = await post(take());
  if (failed(r)) firstError ??= r.text.slice(0, 500);
}

const latencies: number[] = [];
let errors = 0;
let issued = 0;
const started = performance.now();
const deadline = started + config.durationMs;
async function worker() {
  while (issued < config.maxRequests && performance.now() < deadline) {
    issued += 1;
    const t = performance.now();
    const r = await post(take());
    latencies.push(performance.now() - t);
    if (failed(r)) {
      errors += 1;
      firstError ??= r.text.slice(0, 500);
    }
  }
}
await Promise.all(Array.from({ length: config.concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))];
process.stdout.write(`${JSON.stringify({ count: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50: at(50), p99: at(99), firstError })}\n`);
