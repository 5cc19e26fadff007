/** DateTime (ISO-8601, serialised like 2018-09-18T17:00:00.000Z) and JSON, from graphql-scalars. */
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';

export const DateTimeScalar = DateTimeResolver;
export const JSONScalar = JSONResolver;

/** Global positions are bigints; GraphQL carries them as decimal strings (they may exceed 2^53). */
export const positionString = (position: bigint): string => position.toString();
