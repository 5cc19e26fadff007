/**
 * Signs a new checkpoint when the tree has grown, at most every `intervalMs`
 * (default 5 s), in the server process. Several servers may each run one: a
 * checkpoint is kept once per tree size, and Ed25519 signs the same body the
 * same way. A tree that no longer extends the last checkpoint is never signed:
 * that is logged as an error, every time it is seen.
 */
import type { LegacyAdoption } from './legacy.js';
import type { TransparencyLog } from './log.js';

export interface KeeperLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface CheckpointKeeper {
  /** Signs now if the tree grew (what each tick does). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export interface KeeperOptions {
  intervalMs?: number;
  /** Re-signs a database's legacy HMAC checkpoints (legacy.ts); called each tick until none is pending. */
  adoptLegacy?: () => Promise<LegacyAdoption>;
}

export function startCheckpointKeeper(log: TransparencyLog, logger: KeeperLogger, options: KeeperOptions = {}): CheckpointKeeper {
  const intervalMs = options.intervalMs ?? 5_000;
  let adoptLegacy = options.adoptLegacy;
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = (): Promise<void> => {
    running ??= (async () => {
      try {
        if (adoptLegacy) {
          const adoption = await adoptLegacy();
          if (adoption.adopted.length > 0) logger.info({ treeSizes: adoption.adopted }, 'Re-signed legacy checkpoints as C2SP checkpoints');
          for (const reason of adoption.refused) logger.error({ reason }, 'A legacy checkpoint was not re-signed');
          if (adoption.pending === 0) adoptLegacy = undefined;
        }
        const [head, latest] = await Promise.all([log.treeHead(), log.latestCheckpoint()]);
        if (latest && head.size <= latest.size) return;
        const signed = await log.signCheckpoint();
        logger.info({ treeSize: signed.size }, 'Signed a log checkpoint');
      } catch (error) {
        logger.error({ error: (error as Error).message }, 'Could not sign a log checkpoint');
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, intervalMs);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
