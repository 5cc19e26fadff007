/**
 * The committed log as this process's subscribers hear it: the notifier
 * publishes each batch once the read models include it, in log order, with no
 * gaps; every listener hears every event after the position it joined at.
 */
import type { RecordedEvent } from '../eventstore/types.js';
import { Channel } from './channel.js';

/** Live events a subscriber may fall behind by before it is ended (SUBSCRIBER_TOO_SLOW). */
export const DEFAULT_CHANNEL_LIMIT = 10_000;

export interface Listening {
  channel: Channel<RecordedEvent>;
  /** Every event at or before this was published before the listener joined; every one after reaches it. */
  joinedAt: bigint;
}

export class LiveLog {
  private published = 0n;
  private readonly channels = new Map<Channel<RecordedEvent>, (event: RecordedEvent) => boolean>();

  constructor(private readonly channelLimit = DEFAULT_CHANNEL_LIMIT) {}

  /** The last position published (the notifier's start position before any event). */
  get position(): bigint {
    return this.published;
  }

  /** How many subscribers listen now (for metrics and tests). */
  get listeners(): number {
    return this.channels.size;
  }

  /** The notifier's start: nothing at or before `position` will be published. */
  startAt(position: bigint): void {
    if (position > this.published) this.published = position;
  }

  /** Events in log order, each after the last published. */
  publish(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      if (event.position <= this.published) continue;
      this.published = event.position;
      for (const [channel, accepts] of this.channels) if (accepts(event)) channel.push(event);
    }
  }

  /** A new listener for events after now that `accepts` keeps (the test runs before queueing, so others cost nothing). */
  listen(accepts: (event: RecordedEvent) => boolean = () => true): Listening {
    const channel: Channel<RecordedEvent> = new Channel(this.channelLimit, () => this.channels.delete(channel));
    this.channels.set(channel, accepts);
    return { channel, joinedAt: this.published };
  }

  /** Ends every listener (the server is closing). */
  close(): void {
    for (const channel of [...this.channels.keys()]) void channel.return();
  }
}
