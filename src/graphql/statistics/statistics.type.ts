import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Count as CountView } from '../../projections/read-model.js';
import { Node } from '../nodes/node.type.js';

@ObjectType({ description: 'One row of a breakdown: a key (a standard code, department, regime or month) and its count.', simpleResolvers: true })
export class Count implements CountView {
  @Field(() => String, { description: "What is counted: an EC code, a department, a regime, or a month 'YYYY-MM'." })
  key!: string;

  @Field(() => Int, { description: 'How many; keys with 0 are left out.' })
  count!: number;
}

@ObjectType({ description: 'Public aggregates of certification in a place, as of an instant.', simpleResolvers: true, implements: Node })
export class CertificationStats {
  @Field(() => ID, { description: 'Stable for the same arguments (state, municipality, asOf), so clients can cache it.' })
  id!: string;

  @Field(() => Int, { description: 'Distinct servants holding at least one VALID certificate (as of the asked time).' })
  certifiedServants!: number;

  @Field(() => Int, { description: 'VALID certificates (a servant may hold several, in different standards).' })
  validCertificates!: number;

  @Field(() => Int, { description: 'Certifications started but without a VALID certificate.' })
  inProgress!: number;

  @Field(() => [Count], { description: 'Distinct servants holding a VALID certificate, per EC code; largest first.' })
  byStandard!: CountView[];

  @Field(() => [Count], { description: 'The same per department of the holder when the certificate was issued; largest first.' })
  byDepartment!: CountView[];

  @Field(() => [Count], { description: 'The same per employment regime of the holder when the certificate was issued; largest first.' })
  byRegime!: CountView[];

  @Field(() => [Count], { description: "Certificates issued per month, key 'YYYY-MM', oldest first." })
  byMonth!: CountView[];
}

@ObjectType({ description: "A municipality's place in the ranking by certified servants.", simpleResolvers: true })
export class MunicipalityRank {
  @Field(() => Int, { description: '1 for the municipality with the most certified servants.' })
  rank!: number;

  @Field(() => String, { description: 'State of the municipality.' })
  state!: string;

  @Field(() => String, { description: 'The municipality.' })
  municipality!: string;

  @Field(() => Int, { description: 'Distinct servants holding at least one VALID certificate now.' })
  certifiedServants!: number;
}
