/** Writes the emitted schema to schema.graphql at the repository root (the drift test compares them). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAcreditaSchema, printAcreditaSchema } from './schema.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, printAcreditaSchema(await buildAcreditaSchema()));
  console.log(`Wrote ${SCHEMA_FILE}`);
}
