/** Runs a bench child script with tsx and returns the JSON of its last stdout line. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILDREN = join(dirname(fileURLToPath(import.meta.url)), '..', 'child');

export function runChild<T>(script: string, env: Record<string, string>, options: { timeoutMs: number; args?: string[] }): Promise<T> {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE_DIR=dir: each child writes a V8 CPU profile there (node --cpu-prof).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', join(CHILDREN, script), ...(options.args ?? [])], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with ${signal ?? code}: ${last}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${last}`));
      }
    });
  });
}
