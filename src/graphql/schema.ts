/** Builds the executable schema from the resolvers (type-graphql) and prints it stably. */
import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AuditResolver } from './audit/audit.resolver.js';
import { authChecker } from './auth.js';
import { CertificateResolver } from './certificates/certificate.resolver.js';
import { CertificationResolver } from './certifications/certification.resolver.js';
import { EvaluatorResolver } from './evaluators/evaluator.resolver.js';
import { GoalResolver } from './goals/goal.resolver.js';
import type { InProcessPubSub } from './pubsub.js';
import { ProjectionsResolver } from './projections/projections.resolver.js';
import { ServantResolver } from './servants/servant.resolver.js';
import { StandardResolver } from './standards/standard.resolver.js';
import { StatisticsResolver } from './statistics/statistics.resolver.js';

/** `pubSub` carries subscription events; each server passes its own. */
export function buildAcreditaSchema(pubSub: InProcessPubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [
      StandardResolver,
      ServantResolver,
      EvaluatorResolver,
      CertificationResolver,
      CertificateResolver,
      StatisticsResolver,
      GoalResolver,
      AuditResolver,
      ProjectionsResolver,
    ],
    authChecker,
    pubSub,
    // class-validator checks paging limits on args classes; domain rules live in the domain.
    validate: { forbidUnknownValues: false },
  });
}

const HEADER = '# Emitted from src/graphql by `npx tsx src/graphql/emit-schema.ts`; do not edit by hand.\n\n';

/** Sorted, so the file changes only when the schema does. */
export function printAcreditaSchema(schema: GraphQLSchema): string {
  return `${HEADER}${printSchema(lexicographicSortSchema(schema))}\n`;
}
