/**
 * `acredita serve` as a real child process on loopback, to be loaded, killed
 * and restarted. The CLI is bundled once with esbuild (packages stay external
 * and load from node_modules): under tsx a fresh process takes seconds to start,
 * and the crash tests start many.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = `${ROOT}node_modules/.cache/acredita-reliability`;

let bundled: Promise<string> | null = null;

/** The CLI bundle's path, built once per test process (content-addressed, so parallel files share it). */
export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const result = await build({
      entryPoints: [`${ROOT}src/app/cli.ts`],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].contents;
    const path = `${CACHE}/cli-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      // Bundles of older sources pile up as the code changes: drop those a day old.
      for (const name of readdirSync(CACHE)) {
        const old = `${CACHE}/${name}`;
        if (/^cli-.*\.mjs$/.test(name) && Date.now() - statSync(old).mtimeMs > 86_400_000) rmSync(old, { force: true });
      }
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, code);
      renameSync(temporary, path);
    }
    return path;
  })();
  return bundled;
}

export interface ServerProcess {
  /** http://127.0.0.1:<port>/graphql; the same across restarts. */
  endpoint: string;
  origin: string;
  port: number;
  /** Everything the server wrote to stdout and stderr, over all its lives. */
  output(): string;
  /** SIGKILL: no shutdown code runs. Resolves once the process is reaped. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill or stop). */
  restart(): Promise<void>;
  /** SIGTERM and wait; rejects unless it exits 0. */
  stop(): Promise<void>;
  /** How many processes were started. */
  starts: number;
}

export interface ServerOptions {
  /** EVENT_STORE_URL, READ_STORE_URL, DATABASE_SCHEMA, MASTER_KEY (openTestApplication's env). */
  env: Record<string, string>;
  jwtSecret: string;
  logLevel?: string;
  /** More environment (PUBLIC_RATE_LIMIT, PGAPPNAME, …). */
  extraEnv?: Record<string, string>;
}

const START_TIMEOUT_MS = 60_000;

/** Every child started here, so a failing test never leaves one behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const bundle = await cliBundle();
  let output = '';
  let child: ChildProcess | null = null;
  let port = 0;

  const launch = async (): Promise<void> => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: options.logLevel ?? 'warn',
      JWT_SECRET: options.jwtSecret,
      // Tests that do not test the limit must not trip over it (all clients share 127.0.0.1).
      PUBLIC_RATE_LIMIT: '0',
      ...options.env,
      ...options.extraEnv,
    };
    const started = spawn(process.execPath, [bundle, 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    running.add(started);
    started.once('exit', () => running.delete(started));
    server.starts += 1;
    let mine = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within ${START_TIMEOUT_MS} ms:\n${mine}`)), START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        mine += text;
        const match = /listening on http:\/\/[^:]+:(\d+)\/graphql/.exec(mine);
        if (match && port === 0) port = Number(match[1]);
        if (match) {
          clearTimeout(timer);
          resolve();
        } else if (/^acredita: /m.test(mine)) {
          // The CLI's one-line failure (bad configuration, a start that threw): no need to wait for the timeout.
          clearTimeout(timer);
          started.kill('SIGKILL');
          reject(new Error(`the server failed to start:\n${mine}`));
        }
      };
      started.stdout!.on('data', onData);
      started.stderr!.on('data', onData);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code ?? signal}) before listening:\n${mine}`));
      });
    });
  };

  const exited = (target: ChildProcess) =>
    target.exitCode !== null || target.signalCode !== null
      ? Promise.resolve([target.exitCode, target.signalCode] as const)
      : new Promise<readonly [number | null, NodeJS.Signals | null]>((resolve) => target.once('exit', (code, signal) => resolve([code, signal])));

  const server: ServerProcess = {
    endpoint: '',
    origin: '',
    port: 0,
    starts: 0,
    output: () => output,
    async kill() {
      if (!child) return;
      const target = child;
      child = null;
      const done = exited(target);
      target.kill('SIGKILL');
      await done;
    },
    async restart() {
      await server.kill();
      await launch();
    },
    async stop() {
      if (!child) return;
      const target = child;
      child = null;
      const done = exited(target);
      target.kill('SIGTERM');
      const [code, signal] = await done;
      if (code !== 0) throw new Error(`the server exited with ${code ?? signal} on SIGTERM:\n${output.slice(-4000)}`);
    },
  };
  await launch();
  server.port = port;
  server.origin = `http://127.0.0.1:${port}`;
  server.endpoint = `${server.origin}/graphql`;
  return server;
}

/** Runs another acredita command (rebuild, verify, …) on the same data; returns its exit code and output. */
export async function runCli(args: string[], options: ServerOptions): Promise<{ code: number | null; output: string }> {
  const bundle = await cliBundle();
  const result = spawnSync(process.execPath, [bundle, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: options.logLevel ?? 'warn', JWT_SECRET: options.jwtSecret, ...options.env, ...options.extraEnv },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}
