/**
 * Child processes to kill with SIGKILL, for the crash tests: the child's
 * script is bundled once with esbuild (under tsx a fresh process takes seconds
 * to start; packages stay external and load from node_modules), each child
 * says `ready` on stdout when it has started work, and every child still
 * alive is killed after each test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export class CrashChildren {
  private readonly alive = new Set<ChildProcess>();
  private readonly bundle: string;

  /** `entry`: the child's TypeScript file; `name`: the bundle's and the error messages' name. */
  constructor(
    private readonly entry: URL,
    private readonly name: string,
  ) {
    this.bundle = fileURLToPath(new URL(`../../node_modules/.cache/acredita-tests/${name}.mjs`, import.meta.url));
  }

  /** Bundles the child (call once, in beforeAll). */
  async build(): Promise<void> {
    await build({
      entryPoints: [fileURLToPath(this.entry)],
      outfile: this.bundle,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
  }

  /** A child with these extra environment variables, once it says `ready`; its stderr goes to `stderr`. */
  async start(env: Record<string, string>, stderr: string[] = []): Promise<ChildProcess> {
    const child = spawn(process.execPath, [this.bundle], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.alive.add(child);
    child.once('exit', () => this.alive.delete(child));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`${this.name} exited with ${code} before it was ready:\n${stderr.join('')}`)));
    });
    return child;
  }

  /** SIGKILL, resolved once the process is reaped (its pid is free, so its lock file is stale). */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  killAll(): Promise<void[]> {
    return Promise.all([...this.alive].map((child) => this.kill(child)));
  }
}
