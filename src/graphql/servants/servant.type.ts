import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import { DateTimeScalar } from '../scalars.js';
import { EmploymentRegimeEnum } from '../shared/enums.js';
import { PageInfo } from '../shared/page-info.type.js';
import { Node } from '../nodes/node.type.js';

/** curp and certifications are resolved in ServantResolver (visibility, loaders). */
@ObjectType({ description: 'A public servant (servidor publico).', simpleResolvers: true, implements: Node })
export class Servant {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String)
  state!: string;

  @Field(() => String)
  municipality!: string;

  @Field(() => String)
  department!: string;

  @Field(() => String, { nullable: true })
  position!: string | null;

  @Field(() => EmploymentRegimeEnum)
  regime!: EmploymentRegime;

  @Field(() => Boolean)
  unionized!: boolean;

  @Field(() => Boolean)
  active!: boolean;

  @Field(() => Boolean, {
    description: "True once the servant's personal data was erased (crypto-shredded): fullName reads '[erased]', curp null.",
  })
  personalDataErased!: boolean;

  @Field(() => DateTimeScalar)
  registeredAt!: string;

  @Field(() => Int, { description: "Stream version (number of events) of this servant's own stream." })
  version!: number;
}

@ObjectType({ simpleResolvers: true })
export class ServantEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Servant)
  node!: Servant;
}

@ObjectType({ simpleResolvers: true })
export class ServantConnection {
  @Field(() => [ServantEdge])
  edges!: ServantEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int)
  totalCount!: number;
}
