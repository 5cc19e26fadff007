import { Field, ObjectType } from 'type-graphql';
import type { StandardView } from '../../projections/read-model.js';
import { CompetencyStandard } from './standard.type.js';
import { POSITION_DESCRIPTION } from '../shared/command.input.js';

@ObjectType({ description: 'What a mutation on a standard returns.', simpleResolvers: true })
export class StandardPayload {
  @Field(() => CompetencyStandard, { description: 'The standard as the read models show it after the change.' })
  standard!: StandardView;

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}
