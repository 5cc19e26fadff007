import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID derived from its parts (name-based, like RFC 4122 v5 but over SHA-256).
 * Event ids derived from a commandId make a repeated command append nothing.
 */
export function derivedUuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const randomId = (): string => randomUUID();

/** A new id for an aggregate: derived from the commandId when there is one, so retries agree. */
export function newAggregateId<Id extends string>(commandId: string | null, purpose: string): Id {
  return (commandId ? derivedUuid('aggregate', purpose, commandId) : randomUUID()) as Id;
}
