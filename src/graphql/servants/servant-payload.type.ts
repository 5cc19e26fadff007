import { Field, ObjectType } from 'type-graphql';
import type { ServantView } from '../../projections/read-model.js';
import { Servant } from './servant.type.js';
import { POSITION_DESCRIPTION } from '../shared/command.input.js';

@ObjectType({ description: 'What a mutation on a servant returns.', simpleResolvers: true })
export class ServantPayload {
  @Field(() => Servant, { description: 'The servant as the read models show it after the change.' })
  servant!: ServantView;

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}
