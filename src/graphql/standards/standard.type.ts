import { Field, Int, ObjectType } from 'type-graphql';
import type { StandardStatus, StandardView } from '../../projections/read-model.js';
import { StandardStatusEnum } from '../shared/enums.js';
import { Node } from '../nodes/node.type.js';

@ObjectType({ description: 'A competency standard (Estandar de Competencia), e.g. EC0105.', simpleResolvers: true, implements: Node })
export class CompetencyStandard implements StandardView {
  @Field(() => String, { description: "CONOCER's code: EC and four digits, with an optional version (.NN), e.g. EC0105." })
  code!: string;

  @Field(() => String, { description: 'Official title, e.g. Atencion al ciudadano en el sector publico.' })
  title!: string;

  @Field(() => Int, { description: 'Competency level, 1 (simplest) to 5.' })
  level!: number;

  @Field(() => String, { nullable: true, description: 'Productive sector the standard belongs to; null when not recorded.' })
  sector!: string | null;

  @Field(() => Int, { nullable: true, description: 'Years a certificate stays valid; null means permanent.' })
  validityYears!: number | null;

  @Field(() => StandardStatusEnum, { description: 'Whether it takes new candidates.' })
  status!: StandardStatus;
}
