/**
 * Grows a log made through the Office to any size by replaying its pattern
 * with fresh people: each copy takes every servant of the template with all of
 * its streams (servant, CURP guard, certifications, folio guards) and appends
 * them again under a new servant id, a new fictitious person (new CURP, sealed
 * with the new servant's own data key), new folios and new event ids. Event
 * types, data shapes, business times and per-stream revisions are the
 * template's; each stream goes in with ONE append (expectedVersion
 * 'no_stream'), so the store still assigns positions, recordedAt and hashes.
 * A store with appendBatch takes the streams of many servants per call (one
 * lock and one commit for about BATCH_EVENTS events): that is what makes a
 * million events on PostgreSQL a matter of minutes.
 * Standards, evaluators and goals are shared setup and are not copied.
 */
import { randomUUID } from 'node:crypto';
import { PersonGenerator } from '../../src/app/demo/people.js';
import { curpStreamId } from '../../src/domain/servants/events.js';
import type { PersonalDataVault } from '../../src/domain/servants/personal-data.js';
import { derivedUuid } from '../../src/application/ids.js';
import type { EventStore, JsonObject, NewEvent, RecordedEvent } from '../../src/eventstore/types.js';

/** Events per appendBatch call, about (whole servants only). */
const BATCH_EVENTS = 2_000;
/** Servants copied at once (copyGroup draws its person before its first await, so the people stay in order). */
const COPIES_AT_ONCE = 8;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** One template servant's streams, in the order they first appear in the log. */
interface ServantGroup {
  servantId: string;
  streams: Map<string, RecordedEvent[]>;
}

export interface Template {
  groups: ServantGroup[];
  /** Events one full copy appends. */
  eventsPerCopy: number;
}

/** Reads the template log (paged) and groups it by the servant each stream belongs to. */
export async function readTemplate(store: EventStore): Promise<Template> {
  const groups = new Map<string, ServantGroup>();
  let eventsPerCopy = 0;
  for (let after = 0n; ; ) {
    const page = await store.readAll({ after, limit: 5_000 });
    if (page.length === 0) break;
    after = page[page.length - 1].position;
    for (const event of page) {
      const servantId = ownerOf(event);
      if (servantId === null) continue;
      const group = groups.get(servantId) ?? { servantId, streams: new Map() };
      groups.set(servantId, group);
      const stream = group.streams.get(event.streamId) ?? [];
      group.streams.set(event.streamId, stream);
      stream.push(event);
      eventsPerCopy += 1;
    }
  }
  return { groups: [...groups.values()], eventsPerCopy };
}

/** The servant a stream belongs to, or null for shared setup (standards, evaluators, goals). */
function ownerOf(event: RecordedEvent): string | null {
  if (/^(servant|curp|folio)-/.test(event.streamId)) return String(event.data.servantId);
  if (event.streamId.startsWith('certification-')) return UUID.exec(event.streamId)![0];
  return null;
}

export interface ReplicateOptions {
  store: EventStore;
  vault: PersonalDataVault;
  template: Template;
  /** Append until the store holds at least this many events. */
  events: number;
  seed?: number;
  /** Appends in flight at once, for a store without appendBatch. */
  concurrency?: number;
  onProgress?: (events: number) => void;
}

export interface ReplicateResult {
  appended: number;
  appends: number;
  copies: number;
  seconds: number;
}

export async function replicate(options: ReplicateOptions): Promise<ReplicateResult> {
  const { store, vault, template } = options;
  const started = performance.now();
  let head = Number(await store.headPosition());
  const start = head;
  if (template.eventsPerCopy === 0 || head >= options.events) return { appended: 0, appends: 0, copies: 0, seconds: 0 };
  const people = new PersonGenerator((options.seed ?? 1) * 7919);
  const concurrency = options.concurrency ?? 1;
  let appends = 0;
  let copies = 0;
  let nextProgress = head + 50_000;

  // Servants whose streams are copied but not yet appended; written out as one batch.
  let pending: { streamId: string; events: NewEvent[] }[] = [];
  let pendingEvents = 0;
  let erasing: string[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    if (store.appendBatch) {
      await store.appendBatch(pending.map(({ streamId, events }) => ({ streamId, events, expectedVersion: 'no_stream' as const })));
    } else {
      // Streams in order (a certification after its servant); a few may overlap.
      for (let i = 0; i < pending.length; i += concurrency) {
        await Promise.all(pending.slice(i, i + concurrency).map(({ streamId, events }) => store.append(streamId, events, { expectedVersion: 'no_stream' })));
      }
    }
    // A servant's key is erased only once the erasure event is stored, as the Office does.
    for (const servantId of erasing) await vault.erase(servantId);
    appends += pending.length;
    pending = [];
    pendingEvents = 0;
    erasing = [];
  };

  for (let copy = 1; head < options.events; copy++) {
    copies = copy;
    for (let g = 0; g < template.groups.length && head < options.events; g += COPIES_AT_ONCE) {
      // Each copy stores its servant's new key first: several at once overlap those writes.
      const copied = await Promise.all(
        template.groups.slice(g, g + COPIES_AT_ONCE).map((group) => copyGroup(group, copy, people, vault)),
      );
      for (const streams of copied) {
        const events = streams.reduce((sum, s) => sum + s.events.length, 0);
        pending.push(...streams);
        pendingEvents += events;
        head += events;
        if (streams.some((s) => s.events.some((e) => e.type === 'PersonalDataErased'))) {
          erasing.push(streams[0].events[0].data.servantId as string);
        }
        if (!store.appendBatch || pendingEvents >= BATCH_EVENTS) await flush();
      }
      if (head >= nextProgress) {
        options.onProgress?.(head);
        nextProgress = head + 50_000;
      }
    }
  }
  await flush();
  return { appended: head - start, appends, copies, seconds: (performance.now() - started) / 1000 };
}

/** The group's streams rewritten for copy `copy`: new servant, person, folios and ids. */
async function copyGroup(
  group: ServantGroup,
  copy: number,
  people: PersonGenerator,
  vault: PersonalDataVault,
): Promise<{ streamId: string; events: NewEvent[] }[]> {
  const oldId = group.servantId;
  const newId = derivedUuid('acredita-bench', 'copy', String(copy), oldId);
  // Place, department and regime stay the template's (they are in the copied data); only the person is new.
  const person = people.next();
  const seal = await vault.sealerFor(newId);
  // Claims live next to the data keys (an erased copy's goes with its key); a template from before keeps its curp-* stream.
  await vault.claimCurp(person.curp, newId, new Date());
  const suffix = `-C${copy}`;
  const rename = (text: string, folios: string[]) => {
    let out = text.split(oldId).join(newId);
    for (const folio of folios) out = out.split(`"${folio}"`).join(`"${folio}${suffix}"`).split(`folio-${folio}`).join(`folio-${folio}${suffix}`);
    return out;
  };
  const folios = [...group.streams.keys()].filter((id) => id.startsWith('folio-')).map((id) => id.slice('folio-'.length));

  return [...group.streams].map(([streamId, events]) => {
    const newStreamId = streamId.startsWith('curp-') ? curpStreamId(vault.curpDigest(person.curp)) : rename(streamId, folios);
    return {
      streamId: newStreamId,
      events: events.map((event) => {
        const data =
          event.type === 'ServantRegistered'
            ? { ...(JSON.parse(rename(JSON.stringify(event.data), folios)) as JsonObject), personalData: seal({ curp: person.curp, fullName: person.fullName }) }
            : (JSON.parse(rename(JSON.stringify(event.data), folios)) as JsonObject);
        const tag = (id: string | null) => (id === null ? null : `${id}${suffix}`);
        return {
          id: randomUUID(),
          type: event.type,
          data,
          metadata: {
            ...event.metadata,
            commandId: tag(event.metadata.commandId),
            correlationId: tag(event.metadata.correlationId),
            causationId: tag(event.metadata.causationId),
          },
        };
      }),
    };
  });
}
