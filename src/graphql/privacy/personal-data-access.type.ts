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

@ObjectType({ description: 'One entry of a personalDataAccess page, with its cursor.', simpleResolvers: true })
export class PersonalDataAccessEdge {
  @Field(() => String, { description: "The entry's sequence number: pass it as after for the older entries." })
  cursor!: string;

  @Field(() => PersonalDataAccess, { description: 'The entry.' })
  node!: PersonalDataAccess;
}

@ObjectType({ description: 'A page of the personal-data access record, newest first (Relay connection).', simpleResolvers: true })
export class PersonalDataAccessConnection {
  @Field(() => [PersonalDataAccessEdge], { description: 'The page, newest first.' })
  edges!: PersonalDataAccessEdge[];

  @Field(() => PageInfo, { description: 'endCursor and hasNextPage lead to older entries.' })
  pageInfo!: PageInfo;
}
