import { Field, ObjectType } from 'type-graphql';
import type { StandardView } from '../../projections/read-model.js';
import { CompetencyStandard } from './standard.type.js';

@ObjectType({ simpleResolvers: true })
export class StandardPayload {
  @Field(() => CompetencyStandard)
  standard!: StandardView;

  @Field(() => String)
  position!: string;
}
