/**
 * SQLite answers synchronously, so a request that runs many queries in a row
 * would hold the event loop for all of them, and every other client (even
 * /health) would wait. Readers call `yieldIfHeld()` before each query: once a
 * slice of SLICE_MS has passed since the last turn, it waits one turn of the
 * event loop (setImmediate), so pending I/O is served in between. Costs a
 * clock read per query and a turn per slice; PostgreSQL needs none of it.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

const SLICE_MS = 8;

export class EventLoopTurns {
  private lastTurn = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  async yieldIfHeld(): Promise<void> {
    if (performance.now() - this.lastTurn < this.sliceMs) return;
    await nextTurn();
    this.lastTurn = performance.now();
  }
}
