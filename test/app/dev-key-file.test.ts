import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';

const run = promisify(execFile);
let folder: string | null = null;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

it('processes starting at once on a new checkout all get the one dev key written, whole', async () => {
  folder = await mkdtemp(join(tmpdir(), 'acredita-dev-key-'));
  const path = join(folder, 'data', 'master.key');
  const script = `import { readOrCreateDevKeyFile } from './src/app/dev-key-file.ts'; process.stdout.write(readOrCreateDevKeyFile(${JSON.stringify(path)}));`;
  const outputs = await Promise.all(Array.from({ length: 6 }, () => run('node', ['--import', 'tsx', '--input-type=module', '-e', script])));
  const stored = await readFile(path, 'utf8');
  expect(Buffer.from(stored.trim(), 'base64')).toHaveLength(32);
  expect(outputs.map((output) => output.stdout)).toEqual(Array(6).fill(stored));
  // No process left its own file behind.
  expect(await readdir(join(folder, 'data'))).toEqual(['master.key']);
});
