/** Builds the executable schema from the resolvers (type-graphql) and prints it stably. */
import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { type ValidationError, validateOrReject, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError, buildSchema } from 'type-graphql';
import { AuditResolver } from './audit/audit.resolver.js';
import { authChecker } from './auth.js';
import { CertificateIssuedResolver } from './certificates/certificate-issued.js';
import { CertificateResolver } from './certificates/certificate.resolver.js';
import { CertificationResolver } from './certifications/certification.resolver.js';
import { CertificateCredentialResolver, CertificateVerificationLinksResolver } from './credentials/credential.resolver.js';
import { EvaluatorResolver } from './evaluators/evaluator.resolver.js';
import { GoalResolver } from './goals/goal.resolver.js';
import { LiveResolver } from './notifications/live.resolver.js';
import { WebhookResolver } from './notifications/webhook.resolver.js';
import { noResolverPublishing } from './pubsub.js';
import { NodeResolver } from './nodes/node.resolver.js';
import { PersonalDataAccessResolver } from './privacy/personal-data-access.resolver.js';
import { ProjectionsResolver } from './projections/projections.resolver.js';
import { ServantResolver } from './servants/servant.resolver.js';
import { StandardResolver } from './standards/standard.resolver.js';
import { StatisticsResolver } from './statistics/statistics.resolver.js';
import { CertificateProofsResolver, TransparencyResolver } from './transparency/transparency.resolver.js';

// What type-graphql's own class-validator call uses: absent fields are the resolver's to default.
const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false };

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object';

/**
 * class-validator checks paging limits on args classes; domain rules live in the domain.
 * Same checks and error as type-graphql's `validate` option, which imports
 * class-validator dynamically for every argument (a module-loader round trip per call).
 */
async function validateArgument(value: unknown): Promise<void> {
  if (!isObject(value)) return;
  try {
    await Promise.all((Array.isArray(value) ? value.filter(isObject) : [value]).map((item) => validateOrReject(item, VALIDATOR_OPTIONS)));
  } catch (errors) {
    throw new ArgumentValidationError(errors as ValidationError[]);
  }
}

/** type-graphql has no place for the root types' descriptions; GraphiQL's docs open on them. */
const ROOT_DESCRIPTIONS: Record<string, string> = {
  Query:
    'Reads. Public ones need no token (standards, certificate checks, statistics, goals, the log checkpoint); the others need a Bearer token, and a REGISTRAR sees its own municipality only.',
  Mutation:
    "Commands. Those on servants, standards, evaluators, certifications, certificates and goals append events to the hash-chained log and return once the read models include them; an input's commandId makes a retry safe (the same again returns the first result).",
  Subscription: 'Live updates over graphql-ws on the same /graphql path, fed by the committed log whoever wrote to it.',
};

/** Subscriptions read the context's LiveUpdates (no type-graphql PubSub: nothing is published by resolvers). */
export async function buildAcreditaSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      StandardResolver,
      ServantResolver,
      EvaluatorResolver,
      CertificationResolver,
      CertificateResolver,
      CertificateCredentialResolver,
      CertificateVerificationLinksResolver,
      CertificateIssuedResolver,
      LiveResolver,
      WebhookResolver,
      StatisticsResolver,
      GoalResolver,
      AuditResolver,
      ProjectionsResolver,
      PersonalDataAccessResolver,
      NodeResolver,
      TransparencyResolver,
      CertificateProofsResolver,
    ],
    authChecker,
    pubSub: noResolverPublishing,
    validateFn: validateArgument,
  });
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name] ?? null;
  }
  return schema;
}

const HEADER = '# Emitted from src/graphql by `npx tsx src/graphql/emit-schema.ts`; do not edit by hand.\n\n';

/** Sorted, so the file changes only when the schema does. */
export function printAcreditaSchema(schema: GraphQLSchema): string {
  return `${HEADER}${printSchema(lexicographicSortSchema(schema))}\n`;
}
