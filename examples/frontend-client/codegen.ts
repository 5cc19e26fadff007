/**
 * GraphQL Code Generator: typed documents from the server's schema.graphql and
 * the documents in src/ (`npx graphql-codegen --config examples/frontend-client/codegen.ts`
 * from the repository root, or `npm run codegen` here). The output, src/gql/, is
 * committed; a test regenerates it and fails when it differs.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const here = new URL('.', import.meta.url).pathname;

const config: CodegenConfig = {
  schema: `${here}../../schema.graphql`,
  documents: [`${here}src/**/*.ts`, `!${here}src/gql/**`],
  generates: {
    [`${here}src/gql/`]: {
      preset: 'client',
      // ESM with NodeNext resolution: imports need their .js; no fragment masking, to keep the example plain.
      presetConfig: { fragmentMasking: false },
      config: { emitLegacyCommonJSImports: false, useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
    },
  },
  silent: true,
};

export default config;
