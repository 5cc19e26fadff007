/** Every read model, in the order they are migrated and listed. */
import { createCredentialStatusProjection } from '../credentials/status/projection.js';
import { createCertificatesProjection } from './certificates/projection.js';
import { createCertificationsProjection } from './certifications/projection.js';
import { createEvaluatorsProjection } from './evaluators/projection.js';
import { createGoalsProjection } from './goals/projection.js';
import type { Projection, ProjectionDeps } from './projection.js';
import { createServantsProjection } from './servants/projection.js';
import { createStandardsProjection } from './standards/projection.js';
import { createStatisticsProjection } from './statistics/projection.js';
import { createTransparencyProjection } from '../transparency/projection.js';

export function createAllProjections(deps: ProjectionDeps): Projection[] {
  return [
    createStandardsProjection(),
    createServantsProjection(deps),
    createEvaluatorsProjection(),
    createCertificationsProjection(),
    createCertificatesProjection(),
    createGoalsProjection(),
    createStatisticsProjection(),
    // Status-list indexes and revocation bits of the credentials (src/credentials).
    createCredentialStatusProjection(),
    // The log's Merkle tree (src/transparency): kept like a read model, on every backend.
    createTransparencyProjection(),
  ];
}
