/** The checkpoint keeper: signs when the tree has grown, not otherwise; re-signs legacy checkpoints until none is pending; logs a diverged tree. */
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointKeeper } from '../../src/transparency/keeper.js';
import { TransparencyLog } from '../../src/transparency/log.js';
import { generateSignerKey, parseSignerKey } from '../../src/transparency/note.js';
import { type Backend, openBackend } from '../projections/fixtures/backends.js';
import { appendEvents, projectTree, readStoreSql } from './support/history.js';

let backend: Backend | undefined;
afterEach(async () => backend?.close());

describe('checkpoint keeper (SQLite)', () => {
  it('signs a checkpoint each time the tree has grown, and only then', async () => {
    backend = await openBackend('sqlite');
    const log = new TransparencyLog({ store: backend.store, db: backend.read.db, writeLock: backend.writeLock, signer: parseSignerKey(generateSignerKey('k.example/log')), origin: 'k.example/log' });
    const lines: string[] = [];
    const logger = { info: (_: object, message: string) => lines.push(`info ${message}`), error: (d: object, message: string) => lines.push(`error ${message} ${JSON.stringify(d)}`) };
    let adoptions = 0;
    const keeper = startCheckpointKeeper(log, logger, { intervalMs: 60_000, adoptLegacy: async () => (adoptions++, { adopted: [], pending: adoptions < 2 ? 1 : 0, refused: [] }) });
    try {
      await appendEvents(backend, 40);
      await projectTree(backend);
      await keeper.tick();
      expect((await log.latestCheckpoint())!.size).toBe(40);
      await keeper.tick(); // nothing new: nothing signed
      expect(lines.filter((line) => line === 'info Signed a log checkpoint')).toHaveLength(1);
      await appendEvents(backend, 5, 'more');
      await projectTree(backend);
      await keeper.tick();
      expect((await log.latestCheckpoint())!.size).toBe(45);
      expect(adoptions).toBe(2); // asked again only while something was pending

      // A tree that no longer extends what was signed is refused and logged, every tick.
      await readStoreSql(backend, "update transparency_checkpoints set root_hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' where tree_size = 45");
      await appendEvents(backend, 5, 'again');
      await projectTree(backend);
      await keeper.tick();
      expect((await log.latestCheckpoint())!.size).toBe(45);
      expect(lines.at(-1)).toMatch(/^error Could not sign a log checkpoint .*no longer extends the checkpoint it signed at tree size 45/);
    } finally {
      await keeper.stop();
    }
  });
});
