import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Count as CountView } from '../../projections/read-model.js';
import { Node } from '../nodes/node.type.js';

@ObjectType({ simpleResolvers: true })
export class Count implements CountView {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Public aggregates of certification in a place, as of an instant.', simpleResolvers: true, implements: Node })
export class CertificationStats {
  @Field(() => ID, { description: 'Stable for the same arguments (state, municipality, asOf), so clients can cache it.' })
  id!: string;

  @Field(() => Int, { description: 'Distinct servants holding at least one VALID certificate (as of the asked time).' })
  certifiedServants!: number;

  @Field(() => Int)
  validCertificates!: number;

  @Field(() => Int, { description: 'Certifications started but without a VALID certificate.' })
  inProgress!: number;

  @Field(() => [Count])
  byStandard!: CountView[];

  @Field(() => [Count])
  byDepartment!: CountView[];

  @Field(() => [Count])
  byRegime!: CountView[];

  @Field(() => [Count], { description: "Certificates issued per month, key 'YYYY-MM', oldest first." })
  byMonth!: CountView[];
}

@ObjectType({ simpleResolvers: true })
export class MunicipalityRank {
  @Field(() => Int)
  rank!: number;

  @Field(() => String)
  state!: string;

  @Field(() => String)
  municipality!: string;

  @Field(() => Int)
  certifiedServants!: number;
}
