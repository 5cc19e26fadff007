/**
 * A tiny typed in-process PubSub for type-graphql subscriptions. Only the
 * process that handled a mutation publishes; with several API processes each
 * pushes what it handled (docs/api.md).
 */
import { EventEmitter, on } from 'node:events';
import type { PubSub } from 'type-graphql';
import type { CertificateView } from '../projections/read-model.js';

export const CERTIFICATE_ISSUED = 'CERTIFICATE_ISSUED';

export interface Topics {
  [CERTIFICATE_ISSUED]: CertificateView;
}

export class InProcessPubSub implements PubSub {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open subscription: no fixed ceiling.
    this.emitter.setMaxListeners(0);
  }

  publish<T extends keyof Topics>(topic: T, payload: Topics[T]): void {
    this.emitter.emit(topic, payload);
  }

  /** Payloads published from now on. Ending the iteration removes the listener at once, even while it waits. */
  subscribe<T extends keyof Topics>(topic: T): AsyncIterableIterator<Topics[T]> {
    const events = on(this.emitter, topic) as AsyncIterableIterator<[Topics[T]]>;
    const iterator: AsyncIterableIterator<Topics[T]> = {
      async next() {
        const result = await events.next();
        return result.done ? { done: true, value: undefined } : { done: false, value: result.value[0] };
      },
      async return() {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  subscriberCount(topic: keyof Topics): number {
    return this.emitter.listenerCount(topic);
  }
}
