/**
 * logCheckpoint (public), inclusionProof (auditors), consistencyProof (public),
 * cosignCheckpoint (witnesses: AUDITOR or ADMIN with a key in WITNESS_KEYS) and
 * CertificateVerification.proofs (public), over src/transparency.
 */
import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { BadUserInputError } from '../../domain/shared/errors.js';
import { certificateInclusionProofs } from '../../transparency/certificate-proofs.js';
import type { InclusionProofView, TransparencyLog } from '../../transparency/log.js';
import type { StoredCheckpoint } from '../../transparency/tree-store.js';
import { parseNote } from '../../transparency/note.js';
import { parseCheckpointBody } from '../../transparency/checkpoint.js';
import { Authorized } from '../auth.js';
import { CertificateVerification } from '../certificates/certificate.type.js';
import type { GraphQLContext } from '../context.js';
import { ConsistencyProof, InclusionProof, LogCheckpoint } from './transparency.type.js';

const DECIMAL = /^(0|[1-9]\d{0,19})$/;
const MAX_NOTE_CHARS = 16_384;

function logOf({ deps }: GraphQLContext): TransparencyLog {
  if (!deps.transparency) throw new Error('The transparency log is not wired into this server');
  return deps.transparency;
}

function decimal(text: string, field: string): bigint {
  if (!DECIMAL.test(text)) throw new BadUserInputError(`${field} must be a non-negative decimal integer, as a string`, field);
  return BigInt(text);
}

function size(text: string | null | undefined, field: string): number | undefined {
  if (text === null || text === undefined) return undefined;
  const value = decimal(text, field);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BadUserInputError(`${field} is larger than any tree this log can hold`, field);
  return Number(value);
}

export function toLogCheckpoint(checkpoint: StoredCheckpoint): LogCheckpoint {
  const { origin } = parseCheckpointBody(parseNote(checkpoint.note).text);
  return {
    origin,
    treeSize: String(checkpoint.size),
    rootHash: checkpoint.root.toString('base64'),
    signedNote: checkpoint.note,
    signedAt: checkpoint.signedAt,
  };
}

function toInclusionProof(proof: InclusionProofView): InclusionProof {
  return {
    position: proof.position.toString(),
    leafIndex: String(proof.leafIndex),
    treeSize: String(proof.treeSize),
    leaf: proof.leaf.toString('base64'),
    hashes: proof.hashes.map((hash) => hash.toString('base64')),
    checkpoint: toLogCheckpoint(proof.checkpoint),
  };
}

@Resolver()
export class TransparencyResolver {
  @Query(() => LogCheckpoint, { description: "Public: the latest signed checkpoint of the log's Merkle tree." })
  async logCheckpoint(@Ctx() context: GraphQLContext): Promise<LogCheckpoint> {
    return toLogCheckpoint(await logOf(context).currentCheckpoint());
  }

  @Authorized('audit:read')
  @Query(() => InclusionProof, { description: "Auditors: proof that the event at position is in the tree of size treeSize (default: the latest checkpoint's)." })
  async inclusionProof(
    @Arg('position', () => String, { description: "The event's global position (AuditEvent.position), a decimal string." }) position: string,
    @Arg('treeSize', () => String, { nullable: true, description: "Tree size to prove against, a decimal string; absent: the latest checkpoint's." }) treeSize: string | null,
    @Ctx() context: GraphQLContext,
  ): Promise<InclusionProof> {
    return toInclusionProof(await logOf(context).inclusionProof(decimal(position, 'position'), size(treeSize, 'treeSize')));
  }

  @Query(() => ConsistencyProof, { description: 'Public: proof that the tree of size toSize (default: the latest checkpoint\'s) extends the tree of size fromSize.' })
  async consistencyProof(
    @Arg('fromSize', () => String, { description: 'Size of the older tree, a decimal string (e.g. treeSize of a checkpoint you kept).' }) fromSize: string,
    @Arg('toSize', () => String, { nullable: true, description: "Size of the newer tree, a decimal string; absent: the latest checkpoint's." }) toSize: string | null,
    @Ctx() context: GraphQLContext,
  ): Promise<ConsistencyProof> {
    const proof = await logOf(context).consistencyProof(size(fromSize, 'fromSize')!, size(toSize, 'toSize'));
    return {
      fromSize: String(proof.fromSize),
      toSize: String(proof.toSize),
      hashes: proof.hashes.map((hash) => hash.toString('base64')),
      checkpoint: toLogCheckpoint(proof.checkpoint),
    };
  }

  @Authorized('checkpoint:cosign')
  @Mutation(() => LogCheckpoint, { description: 'Witnesses: add a cosignature (a C2SP signed note over the same checkpoint, by a key in WITNESS_KEYS).' })
  async cosignCheckpoint(@Arg('signedNote', () => String, { description: "The latest checkpoint as a C2SP signed note carrying the witness's signature." }) signedNote: string, @Ctx() context: GraphQLContext): Promise<LogCheckpoint> {
    if (signedNote.length > MAX_NOTE_CHARS) throw new BadUserInputError(`signedNote is longer than ${MAX_NOTE_CHARS} characters`, 'signedNote');
    return toLogCheckpoint(await logOf(context).cosign(signedNote));
  }
}

@Resolver(() => CertificateVerification)
export class CertificateProofsResolver {
  @FieldResolver(() => [InclusionProof], {
    description: 'Inclusion proofs of the issuance event (and of the revocation, when there is one) against the latest checkpoint.',
  })
  async proofs(@Root() verification: CertificateVerification, @Ctx() context: GraphQLContext): Promise<InclusionProof[]> {
    if (!verification.found) return [];
    const proofs = await certificateInclusionProofs(logOf(context), context.deps.store, verification.folio);
    return proofs.map(toInclusionProof);
  }
}
