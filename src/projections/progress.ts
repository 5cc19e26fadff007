/** Wakes everyone waiting for a projection to move (or stop); each waiter re-checks what it waits for. */
export class ProgressSignal {
  private readonly wakers = new Set<() => void>();

  notify(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const wake of wakers) wake();
  }

  /** Resolves on the next notify, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, timeoutMs));
      this.wakers.add(wake);
    });
  }
}
