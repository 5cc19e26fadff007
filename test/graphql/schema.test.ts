import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/graphql/emit-schema.js';
import { buildAcreditaSchema, printAcreditaSchema } from '../../src/graphql/schema.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the emitted schema', () => {
  it('is what schema.graphql holds (regenerate: npx tsx src/graphql/emit-schema.ts)', async () => {
    const emitted = printAcreditaSchema(await buildAcreditaSchema());
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(emitted);
  });

  it('prints the same text every time', async () => {
    const first = printAcreditaSchema(await buildAcreditaSchema());
    const second = printAcreditaSchema(await buildAcreditaSchema());
    expect(second).toBe(first);
  });

  it('keeps the shared contract (../shared/tools/contract-check.mjs)', async () => {
    const { stdout } = await promisify(execFile)('node', ['../shared/tools/contract-check.mjs', 'schema.graphql'], { cwd: root });
    expect(stdout).toContain('ok');
  });
});

describe('field execution', () => {
  it('leaves plain fields to graphql-js (no per-field wrapper): only field resolvers and root fields resolve', async () => {
    const schema = await buildAcreditaSchema();
    const servant = schema.getType('Servant');
    const certification = schema.getType('Certification');
    if (!isObjectType(servant) || !isObjectType(certification)) throw new Error('missing types');
    expect(servant.getFields().fullName.resolve).toBeUndefined();
    expect(certification.getFields().stage.resolve).toBeUndefined();
    expect(servant.getFields().curp.resolve).toBeTypeOf('function');
    expect(certification.getFields().standard.resolve).toBeTypeOf('function');
  });
});
