import { AsyncLocalStorage } from 'node:async_hooks';

/** The lock holds the caller is running inside, to catch a re-entrant request. */
const heldTokens = new AsyncLocalStorage<ReadonlySet<symbol>>();

/**
 * Runs one critical section at a time, in call order. Not re-entrant: asking for
 * the lock from inside a section that still holds it would wait forever, so that
 * throws instead.
 */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();
  private owner: symbol | null = null;

  run<T>(section: () => T | Promise<T>): Promise<T> {
    if (this.owner !== null && heldTokens.getStore()?.has(this.owner)) {
      return Promise.reject(new Error('This lock is already held by the caller; waiting for it would deadlock'));
    }
    const result = this.tail.then(async () => {
      const token = Symbol('lock holder');
      this.owner = token;
      try {
        return await heldTokens.run(new Set(heldTokens.getStore()).add(token), section);
      } finally {
        this.owner = null;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
