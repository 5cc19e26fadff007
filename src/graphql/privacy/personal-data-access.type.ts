import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { PageInfo } from '../shared/page-info.type.js';

@ObjectType({ description: 'One time someone was shown a servant\'s personal data (CURP), for the access record public bodies must keep.', simpleResolvers: true })
export class PersonalDataAccess {
  @Field(() => DateTimeScalar, { description: 'When the response that showed it was sent.' })
  at!: Date;

  @Field(() => String, { description: 'Token subject of the caller.' })
  actor!: string;

  @Field(() => String, { description: "The caller's role (ADMIN, AUDITOR, REGISTRAR)." })
  role!: string;

  @Field(() => ID, { description: 'The servant whose CURP was shown (kept after an erasure: an id names no one).' })
  servantId!: string;

  @Field(() => String, { nullable: true, description: 'GraphQL operation name, or the CLI command.' })
  operation!: string | null;

  @Field(() => String, { description: 'The x-request-id of the response, the key of its log line.' })
  requestId!: string;
}

@ObjectType({ simpleResolvers: true })
export class PersonalDataAccessEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => PersonalDataAccess)
  node!: PersonalDataAccess;
}

@ObjectType({ simpleResolvers: true })
export class PersonalDataAccessConnection {
  @Field(() => [PersonalDataAccessEdge])
  edges!: PersonalDataAccessEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
