#!/usr/bin/env node
// Checks an Acredita audit export on its own, with nothing but Node (18 or later):
//
//   node docs/verify-export.mjs export.jsonl [--checkpoint "acredita-checkpoint v1 position=… globalHash=… …"]
//
// For every event it recomputes
//   hash       = sha256(previousHash-or-'' + canonicalJson({streamId, revision, id, type, data, metadata, recordedAt}))
//   globalHash = sha256(previous line's globalHash-or-'' + hash)          (complete exports only)
// where canonicalJson sorts object keys by UTF-16 code unit and writes no whitespace
// (docs/eventstore.md, "The hash chain"). It checks each stream's revisions and
// previousHash links, and for a complete export the global chain from the first
// event to the head named on line 1. With --checkpoint (a line the auditor kept),
// the event at that position must carry that global hash.
// Exit 0: intact. Exit 1: the first broken line, named. Exit 2: bad usage.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const sha256 = (...parts) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest('hex');

function canonicalJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}

function usage(message) {
  console.error(`verify-export: ${message}\nusage: node docs/verify-export.mjs EXPORT.jsonl [--checkpoint "acredita-checkpoint v1 position=N globalHash=H ..."]`);
  process.exit(2);
}

const [file, ...rest] = process.argv.slice(2);
if (!file || file.startsWith('--')) usage('name the export file');
let checkpoint = null;
if (rest.length > 0) {
  const match = rest[0] === '--checkpoint' && /position=(\d+) globalHash=([0-9a-f]{64})?(?: |$)/.exec(rest[1] ?? '');
  if (!match || rest.length > 2) usage('the only option is --checkpoint "<a checkpoint line>"');
  checkpoint = { position: BigInt(match[1]), globalHash: match[2] ?? '' };
}

class Broken extends Error {}
let lineNumber = 0;
let atEnd = false;
let header = null;
let events = 0;
let lastPosition = 0n;
let globalHash = '';
let checkpointSeen = false;
const streams = new Map(); // streamId -> { revision, hash }

function checkEvent(event) {
  const { position, streamId, revision, id, type, data, metadata, recordedAt, previousHash } = event;
  if (typeof position !== 'string' || !/^\d+$/.test(position)) throw new Broken('position is not a decimal string');
  const at = BigInt(position);
  if (at <= lastPosition) throw new Broken(`position ${at} does not come after position ${lastPosition}: lines were reordered`);
  const expected = sha256(previousHash ?? '', canonicalJson({ streamId, revision, id, type, data, metadata, recordedAt }));
  if (expected !== event.hash) throw new Broken(`${streamId} revision ${revision}: the hash does not match the content: the event was changed`);

  const last = streams.get(streamId);
  if (last) {
    if (revision !== last.revision + 1) throw new Broken(`${streamId}: revision ${revision} follows revision ${last.revision}: an event is missing or out of order`);
    if (previousHash !== last.hash) throw new Broken(`${streamId} revision ${revision}: previousHash is not the hash of revision ${last.revision}`);
  } else if (revision === 0 ? previousHash !== null : header.complete) {
    throw new Broken(`${streamId}: its first event in this export is revision ${revision} with previousHash ${previousHash}: ${header.complete ? 'earlier events are missing' : 'not the start of the stream'}`);
  }
  streams.set(streamId, { revision, hash: event.hash });

  if (header.complete && header.headGlobalHash !== null) {
    globalHash = sha256(globalHash, event.hash);
    if (globalHash !== event.globalHash) throw new Broken(`position ${at}: the global chain breaks here: an event before it is missing, or events were reordered`);
  }
  if (checkpoint && at === checkpoint.position) {
    checkpointSeen = true;
    if (event.globalHash !== checkpoint.globalHash) throw new Broken(`position ${at}: the global hash differs from the checkpoint you kept: the log was rewritten`);
  }
  lastPosition = at;
  events += 1;
}

try {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber += 1;
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Broken('not valid JSON: the line was changed or cut');
    }
    if (header === null) {
      if (value?.format !== 'acredita-audit-export' || value.version !== 1) throw new Broken('not the header of an Acredita audit export (version 1)');
      header = value;
    } else {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Broken('not an event object');
      checkEvent(value);
    }
  }
  atEnd = true;
  if (header === null) throw new Broken('the file is empty');
  if (header.complete) {
    const head = BigInt(header.headPosition);
    if (lastPosition !== head) throw new Broken(`the export ends at position ${lastPosition}, but line 1 says the log reached position ${head}: events at the end are missing`);
    if (header.headGlobalHash !== null && globalHash !== header.headGlobalHash) throw new Broken('the last global hash is not the head global hash named on line 1');
  }
  if (checkpoint && !checkpointSeen && header.complete) {
    throw new Broken(`the checkpoint you kept names position ${checkpoint.position}, which this complete export does not hold: events were deleted`);
  }
} catch (error) {
  if (!(error instanceof Broken)) {
    console.error(`verify-export: cannot read ${file}: ${error.message}`);
    process.exit(2);
  }
  console.error(`FAILED ${atEnd ? `at the end of the file (after line ${lineNumber})` : `at line ${lineNumber}`}: ${error.message}`);
  process.exit(1);
}

const scope = header.complete
  ? `complete log up to position ${header.headPosition}${header.headGlobalHash ? `, global chain intact (head global hash ${header.headGlobalHash})` : ''}`
  : `partial export (${Object.entries(header.filter).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`).join(', ')}): per-stream links checked where both ends are in the export`;
console.log(`OK: ${events} events in ${streams.size} streams, every hash recomputed; ${scope}${checkpoint ? (checkpointSeen ? '; checkpoint matches' : '; checkpoint position not in this export') : ''}.`);
