import { Field, Int, ObjectType } from 'type-graphql';
import type { StandardStatus, StandardView } from '../../projections/read-model.js';
import { StandardStatusEnum } from '../shared/enums.js';
import { Node } from '../nodes/node.type.js';

@ObjectType({ description: 'A competency standard (Estandar de Competencia), e.g. EC0105.', simpleResolvers: true, implements: Node })
export class CompetencyStandard implements StandardView {
  @Field(() => String)
  code!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Int)
  level!: number;

  @Field(() => String, { nullable: true })
  sector!: string | null;

  @Field(() => Int, { nullable: true, description: 'Years a certificate stays valid; null means permanent.' })
  validityYears!: number | null;

  @Field(() => StandardStatusEnum)
  status!: StandardStatus;
}
