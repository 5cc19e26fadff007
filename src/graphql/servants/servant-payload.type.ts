import { Field, ObjectType } from 'type-graphql';
import type { ServantView } from '../../projections/read-model.js';
import { Servant } from './servant.type.js';

@ObjectType({ simpleResolvers: true })
export class ServantPayload {
  @Field(() => Servant)
  servant!: ServantView;

  @Field(() => String)
  position!: string;
}
