/**
 * One subscriber's queue of live events: the notifier pushes, the GraphQL
 * subscription pulls. Bounded: a subscriber that falls this far behind is
 * ended with an error rather than holding the server's memory. Ending the
 * iteration (return) detaches it at once, even while a pull waits.
 */
export class SubscriberTooSlowError extends Error {
  readonly code = 'SUBSCRIBER_TOO_SLOW';

  constructor(limit: number) {
    super(`This subscription fell more than ${limit} events behind and was ended; subscribe again with the last cursor you received`);
    this.name = 'SubscriberTooSlowError';
  }
}

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

export class Channel<T> implements AsyncIterableIterator<T> {
  private buffer: T[] = [];
  private waiter: Waiter<T> | null = null;
  private failure: Error | null = null;
  private ended = false;

  constructor(
    private readonly limit: number,
    /** Called once when the channel ends (by return, or by failing). */
    private readonly onEnd: () => void,
  ) {}

  get closed(): boolean {
    return this.ended;
  }

  push(value: T): void {
    if (this.ended) return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve({ done: false, value });
      return;
    }
    if (this.buffer.length >= this.limit) return this.fail(new SubscriberTooSlowError(this.limit));
    this.buffer.push(value);
  }

  /** Ends the channel with an error: the pull waiting (or the next one) throws it. */
  fail(error: Error): void {
    if (this.ended) return;
    this.failure = error;
    this.buffer = [];
    this.end();
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.reject(error);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) return Promise.resolve({ done: false, value: this.buffer.shift()! });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer = [];
    this.end();
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve({ done: true, value: undefined });
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}
