/**
 * The event catalogue in docs/events.md is part of adding an event: every
 * event type the domain knows has its row there, with the schemaVersion
 * written today, so a new type fails here until it is documented.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CURRENT_SCHEMA_VERSION } from '../../src/domain/upcasting.js';

describe('event catalogue', () => {
  it('documents every event type with its current schemaVersion, and no other', async () => {
    const doc = await readFile(new URL('../../docs/events.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| ([A-Z][A-Za-z]+) \| (\d+) \|/gm)].map(([, type, version]) => [type, Number(version)]));
    expect(Object.fromEntries(rows)).toEqual(CURRENT_SCHEMA_VERSION);
  });
});
