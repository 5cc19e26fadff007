import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import { DateTimeScalar } from '../scalars.js';
import { EmploymentRegimeEnum } from '../shared/enums.js';
import { PageInfo } from '../shared/page-info.type.js';
import { Node } from '../nodes/node.type.js';

/** curp and certifications are resolved in ServantResolver (visibility, loaders). */
@ObjectType({ description: 'A public servant (servidor publico).', simpleResolvers: true, implements: Node })
export class Servant {
  @Field(() => ID, { description: 'The servant id (a UUID) that mutations take as servantId; also its global id for node(id:).' })
  id!: string;

  @Field(() => String, { description: "Full name as registered; '[erased]' once personal data was erased." })
  fullName!: string;

  @Field(() => String, { description: 'State (entidad federativa) of the employing city hall, e.g. Baja California.' })
  state!: string;

  @Field(() => String, { description: 'Municipality of the employing city hall, e.g. Tijuana. A REGISTRAR sees only its own.' })
  municipality!: string;

  @Field(() => String, { description: 'Department (dependencia) the servant works in, e.g. Tesoreria Municipal.' })
  department!: string;

  @Field(() => String, { nullable: true, description: 'Job title (puesto); null when none was recorded.' })
  position!: string | null;

  @Field(() => EmploymentRegimeEnum, { description: 'Employment regime.' })
  regime!: EmploymentRegime;

  @Field(() => Boolean, { description: 'Member of the workers\' union (sindicalizado).' })
  unionized!: boolean;

  @Field(() => Boolean, { description: 'False once the servant was separated (left the city hall): no new enrollments or verdicts.' })
  active!: boolean;

  @Field(() => Boolean, {
    description: "True once the servant's personal data was erased (crypto-shredded): fullName reads '[erased]', curp null.",
  })
  personalDataErased!: boolean;

  @Field(() => DateTimeScalar, { description: 'Business time of the registration (occurredAt of registerServant).' })
  registeredAt!: string;

  @Field(() => Int, { description: "Stream version (number of events) of this servant's own stream." })
  version!: number;
}

@ObjectType({ description: 'One servant of a servants page, with its cursor.', simpleResolvers: true })
export class ServantEdge {
  @Field(() => String, { description: "Opaque; pass it as after or before to the same servants list (same filter). Valid only for that list." })
  cursor!: string;

  @Field(() => Servant, { description: 'The servant.' })
  node!: Servant;
}

@ObjectType({ description: 'A page of servants in registration order (Relay connection).', simpleResolvers: true })
export class ServantConnection {
  @Field(() => [ServantEdge], { description: 'The page, earliest registered first, whichever way it was paged.' })
  edges!: ServantEdge[];

  @Field(() => PageInfo, { description: 'Cursors and flags to page forwards (after) or back (before).' })
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Servants matching the filter in the whole list, not only this page.' })
  totalCount!: number;
}
