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

  @Field(() => Int, { description: 'Version of the projection code that made its rows; a new version is rebuilt (blue/green) when a runner starts.' })
  version!: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Set when the runner serving this process rebuilt the read model at start because its rows were made by this other version; null otherwise.',
  })
  rebuiltFromVersion!: number | null;
}
