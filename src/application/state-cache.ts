import { LRUCache } from 'lru-cache';
import type { Event } from '../domain/shared/event.js';
import { foldStream, toDomainEvent, type Folder } from './folding.js';
import type { AppendItem, Folded, StreamStore, StreamVersion } from './stream-store.js';

interface Kept extends Folded<unknown> {
  folder: Folder<unknown, Event>;
}

/**
 * A StreamStore that keeps folded states, most recently used first. The log
 * is append-only, so a kept state stays right up to its version: a fresh fold
 * reads only the events after it (usually none), and what this process appends
 * is folded on without reading. A 'kept' fold answers from memory; the
 * append's version checks are what prove such a state current. It holds what
 * the log holds, no more: a servant's sealed data as recorded, gone from the
 * state as soon as an erasure is in the log.
 */
export class StateCache implements StreamStore {
  private readonly kept: LRUCache<string, Kept>;
  readonly appendsMany: boolean;
  readonly checksUnchanged: boolean;

  constructor(
    private readonly inner: StreamStore,
    max = 10_000,
  ) {
    this.kept = new LRUCache({ max });
    this.appendsMany = inner.appendsMany;
    this.checksUnchanged = inner.checksUnchanged;
  }

  read(streamId: string, fromRevision?: number) {
    return this.inner.read(streamId, fromRevision);
  }

  async fold<State, E extends Event>(streamId: string, folder: Folder<State, E>, freshness: 'fresh' | 'kept' | 'keptOrNew'): Promise<Folded<State>> {
    const kept = this.keptFor(streamId, folder);
    if (kept && freshness !== 'fresh') return kept;
    if (!kept && freshness === 'keptOrNew') return this.inner.fold(streamId, folder, freshness);
    const from = kept?.version ?? 0;
    const tail = await this.inner.read(streamId, from);
    const folded = {
      state: foldStream(folder, tail, kept ? kept.state : folder.initialState()),
      version: from + tail.length,
      position: tail.at(-1)?.position ?? kept?.position ?? 0n,
    };
    this.keep(streamId, folder, folded);
    return folded;
  }

  async append(items: AppendItem[], unchanged?: readonly StreamVersion[]) {
    const appended = await this.inner.append(items, unchanged);
    items.forEach((item, i) => {
      const basis = item.decidedOn ?? this.kept.get(item.streamId);
      if (!basis) return;
      const { folder, folded } = 'folded' in basis ? basis : { folder: basis.folder, folded: basis };
      const from = item.expectedVersion === 'no_stream' ? 0 : item.expectedVersion;
      // Only an append right after the state it came from, exactly as given, folds on: anything else is read next time.
      if (folded.version !== from || appended[i].nextVersion !== from + item.events.length) return;
      const state = item.events.reduce((s, event) => folder.evolve(s, toDomainEvent(event)), folded.state);
      this.keep(item.streamId, folder, { state, version: appended[i].nextVersion, position: appended[i].position });
    });
    return appended;
  }

  private keptFor<State, E extends Event>(streamId: string, folder: Folder<State, E>): Folded<State> | undefined {
    const kept = this.kept.get(streamId);
    return kept?.folder === folder ? { state: kept.state as State, version: kept.version, position: kept.position } : undefined;
  }

  private keep<State, E extends Event>(streamId: string, folder: Folder<State, E>, folded: Folded<State>): void {
    // A concurrent read may have folded further meanwhile: keep the newer one.
    const latest = this.kept.peek(streamId);
    if (latest && latest.folder === folder && latest.version > folded.version) return;
    this.kept.set(streamId, { ...folded, folder: folder as Folder<unknown, Event> });
  }
}
