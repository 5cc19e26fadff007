import { Field, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@ObjectType({ simpleResolvers: true, description: "A signed tree head of the log's Merkle tree (RFC 6962 hashing), as a C2SP checkpoint." })
export class LogCheckpoint {
  @Field(() => String, { description: 'First line of the checkpoint: names the log.' })
  origin!: string;

  @Field(() => String, { description: 'Number of leaves (events), as a decimal string.' })
  treeSize!: string;

  @Field(() => String, { description: 'Base64 of the 32-byte root hash.' })
  rootHash!: string;

  @Field(() => String, { description: "The whole checkpoint as a C2SP signed note, with every signature it carries (the log's, and witnesses')." })
  signedNote!: string;

  @Field(() => DateTimeScalar, { description: 'When the log signed this checkpoint.' })
  signedAt!: string;
}

@ObjectType({ simpleResolvers: true, description: 'Proof that one event is a leaf of the tree of size treeSize.' })
export class InclusionProof {
  @Field(() => String, { description: 'Global position of the event.' })
  position!: string;

  @Field(() => String, { description: '0-based index of its leaf.' })
  leafIndex!: string;

  @Field(() => String, { description: 'Size of the tree the proof is against, as a decimal string.' })
  treeSize!: string;

  @Field(() => String, { description: "Base64 of the leaf's input bytes (docs/audit.md says what they are), hashed as an RFC 6962 leaf." })
  leaf!: string;

  @Field(() => [String], { description: 'Base64 of each 32-byte hash of the audit path, from the leaf up (RFC 6962 / RFC 9162 order).' })
  hashes!: string[];

  @Field(() => LogCheckpoint, { description: 'The checkpoint whose root this proof leads to.' })
  checkpoint!: LogCheckpoint;
}

@ObjectType({ simpleResolvers: true, description: 'Proof that the tree of size toSize extends the tree of size fromSize (nothing before fromSize changed).' })
export class ConsistencyProof {
  @Field(() => String, { description: 'Size of the older tree (e.g. the one in a checkpoint an auditor kept), as a decimal string.' })
  fromSize!: string;

  @Field(() => String, { description: 'Size of the newer tree, as a decimal string.' })
  toSize!: string;

  @Field(() => [String], { description: 'Base64 of each 32-byte hash, RFC 6962 / RFC 9162 order.' })
  hashes!: string[];

  @Field(() => LogCheckpoint, { description: 'The signed checkpoint of the tree of size toSize.' })
  checkpoint!: LogCheckpoint;
}
