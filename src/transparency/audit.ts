/**
 * Does the log, as it is now, extend checkpoints an auditor saved? Recomputed
 * from the events themselves (each hash from its content, each leaf from its
 * hash), never from the stored tree or the stored checkpoints: whoever rewrote
 * history may have rebuilt those and re-signed them with the real key, but
 * cannot make the old roots come out of different events.
 */
import { eventHash } from '../eventstore/hashing.js';
import type { EventStore } from '../eventstore/types.js';
import { parseCheckpointBody, type TreeHead } from './checkpoint.js';
import { TransparencyInputError } from './errors.js';
import { leafHashOfHex } from './hashing.js';
import { type NoteVerifier, parseNote, verifiedSignatures } from './note.js';
import { TreeBuilder } from './tree-builder.js';

export interface ExtensionReport {
  ok: boolean;
  /** Events read from the log. */
  events: number;
  /** Checkpoints held against it. */
  checkpoints: number;
  /** The smallest checkpoint size the log no longer extends; null when it extends all. */
  divergentSize: number | null;
  reason: string | null;
}

const BATCH = 2_000;

/** Splits a file of signed notes (each: text, blank line, signature lines) into notes. */
export function splitNotes(text: string): string[] {
  const notes: string[] = [];
  let current: string[] = [];
  let inSignatures = false;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (inSignatures) {
      if (line.startsWith('\u2014 ')) {
        current.push(line);
        continue;
      }
      notes.push(`${current.join('\n')}\n`);
      current = [];
      inSignatures = false;
      if (line === '') continue;
    }
    if (current.length === 0 && line === '') continue;
    current.push(line);
    if (line === '' && lines[i + 1]?.startsWith('\u2014 ')) inSignatures = true;
  }
  if (inSignatures) notes.push(`${current.join('\n')}\n`);
  else if (current.some((line) => line !== '')) throw new TransparencyInputError('The file ends inside a note: a checkpoint is its text, a blank line and its signature lines');
  return notes;
}

/** Reads saved checkpoints, each signed by the log's key; throws TransparencyInputError naming the bad one. */
export function readSavedCheckpoints(notes: readonly string[], logKey: NoteVerifier, origin?: string): TreeHead[] {
  return notes.map((text, index) => {
    const note = parseNote(text);
    if (verifiedSignatures(note, [logKey]).length === 0) {
      throw new TransparencyInputError(`Checkpoint ${index + 1} carries no signature by the log's key ${logKey.name}`);
    }
    const head = parseCheckpointBody(note.text);
    if (origin !== undefined && head.origin !== origin) throw new TransparencyInputError(`Checkpoint ${index + 1} is of "${head.origin}", not of this log ("${origin}")`);
    return head;
  });
}

/** Walks the whole log once, recomputing the root at every saved checkpoint's size. */
export async function checkLogExtends(
  store: Pick<EventStore, 'readAll'>,
  saved: readonly TreeHead[],
  onProgress?: (events: number) => void,
): Promise<ExtensionReport> {
  const wanted = [...saved].sort((a, b) => a.size - b.size);
  const builder = new TreeBuilder(0, []);
  let next = 0;
  let events = 0;
  const fail = (size: number, reason: string): ExtensionReport => ({ ok: false, events, checkpoints: wanted.length, divergentSize: size, reason });
  const check = (): ExtensionReport | null => {
    while (next < wanted.length && wanted[next].size === builder.size) {
      const head = wanted[next++];
      if (!builder.root().equals(head.root)) {
        return fail(head.size, `the first ${head.size} events no longer make the root this log signed at tree size ${head.size}: history up to there was changed, removed or reordered`);
      }
    }
    return null;
  };
  const atStart = check();
  if (atStart) return atStart;
  for (let after = 0n; next < wanted.length; ) {
    const batch = await store.readAll({ after, limit: BATCH });
    if (batch.length === 0) break;
    for (const event of batch) {
      // From the content, not the stored hash: a row changed without its hash is caught here too.
      const hash = eventHash(event.previousHash, event);
      builder.append(leafHashOfHex(hash));
      events += 1;
      const failed = check();
      if (failed) return failed;
      if (next === wanted.length) break;
    }
    builder.takeChanges(); // only the edge is needed; drop the rest
    after = batch[batch.length - 1].position;
    onProgress?.(events);
  }
  if (next < wanted.length) {
    const head = wanted[next];
    return fail(head.size, `the log holds only ${events} events, fewer than the ${head.size} of the checkpoint this log signed: events were deleted (the tail, or from anywhere)`);
  }
  return { ok: true, events, checkpoints: wanted.length, divergentSize: null, reason: null };
}
