import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'How far one read model has followed the log.', simpleResolvers: true })
export class ProjectionStatus {
  @Field(() => String, { description: 'The read model, e.g. servants or statistics.' })
  name!: string;

  @Field(() => String, { description: 'Global position the projection has processed up to.' })
  position!: string;

  @Field(() => Int, { description: 'Events in the log not yet processed by this projection.' })
  lag!: number;

  @Field(() => Boolean, { description: 'False when the projection is stopped (see lastError).' })
  running!: boolean;

  @Field(() => String, { nullable: true, description: 'Set when the projection stopped on an event it could not apply.' })
  lastError!: string | null;
}
