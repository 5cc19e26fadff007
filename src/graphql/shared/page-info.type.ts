import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Relay Cursor Connections PageInfo.', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean, { description: 'More edges follow the last one (paging forwards with after).' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'More edges come before the first one (paging backwards with before).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "The first edge's cursor; null for an empty page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "The last edge's cursor; null for an empty page." })
  endCursor!: string | null;
}

/** The PageInfo of a page of edges, its cursors taken from the edges themselves. */
export function pageInfoOf(edges: readonly { cursor: string }[], more: { hasNextPage: boolean; hasPreviousPage: boolean }): PageInfo {
  return { ...more, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
}
