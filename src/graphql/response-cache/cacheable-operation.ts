/**
 * Which operations a kept response may answer: queries whose every root field
 * is served from the read models (and the streams behind Certification). The
 * auditors' tools and the projections' status read the log or the runner live,
 * so they always execute.
 */
import { Kind, type OperationDefinitionNode } from 'graphql';

const READ_MODEL_FIELDS: ReadonlySet<string> = new Set([
  'certificate',
  'certification',
  'certificationStats',
  'evaluators',
  'goalProgress',
  'goals',
  'ranking',
  'servant',
  'servantByCurp',
  'servants',
  'standard',
  'standards',
  'verifyCertificate',
]);

export function isCacheableOperation(operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  const fields = operation.selectionSet.selections;
  return fields.length > 0 && fields.every((selection) => selection.kind === Kind.FIELD && READ_MODEL_FIELDS.has(selection.name.value));
}
