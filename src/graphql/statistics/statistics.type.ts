import { Field, Int, ObjectType } from 'type-graphql';
import type { Count as CountView } from '../../projections/read-model.js';

@ObjectType({ simpleResolvers: true })
export class Count implements CountView {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ simpleResolvers: true })
export class CertificationStats {
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
