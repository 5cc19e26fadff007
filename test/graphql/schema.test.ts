import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/graphql/emit-schema.js';
import { InProcessPubSub } from '../../src/graphql/pubsub.js';
import { buildAcreditaSchema, printAcreditaSchema } from '../../src/graphql/schema.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the emitted schema', () => {
  it('is what schema.graphql holds (regenerate: npx tsx src/graphql/emit-schema.ts)', async () => {
    const emitted = printAcreditaSchema(await buildAcreditaSchema(new InProcessPubSub()));
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(emitted);
  });

  it('prints the same text every time', async () => {
    const first = printAcreditaSchema(await buildAcreditaSchema(new InProcessPubSub()));
    const second = printAcreditaSchema(await buildAcreditaSchema(new InProcessPubSub()));
    expect(second).toBe(first);
  });

  it('keeps the shared contract (../shared/tools/contract-check.mjs)', async () => {
    const { stdout } = await promisify(execFile)('node', ['../shared/tools/contract-check.mjs', 'schema.graphql'], { cwd: root });
    expect(stdout).toContain('ok');
  });
});
