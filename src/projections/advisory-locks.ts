/**
 * PostgreSQL: a session-level advisory lock per projection, keyed by schema and
 * name, held on one dedicated pooled connection. A crashed process's locks go
 * with its connection, so another process can take over at once.
 */
import { sql } from 'kysely';
import type { ReadDatabase } from './projection.js';
import type { ProjectionLocks } from './locks.js';

interface Session {
  connection: Promise<ReadDatabase>;
  /** Gives the connection back to the pool (after unlocking, if it still works). */
  end(): Promise<void>;
}

function openSession(db: ReadDatabase): Session {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let held!: Promise<void>;
  const connection = new Promise<ReadDatabase>((resolve, reject) => {
    held = db.connection().execute(async (session) => {
      resolve(session);
      await finished;
    });
    held.catch(reject);
  });
  return {
    connection,
    async end() {
      const session = await connection.catch(() => null);
      if (session) await sql`select pg_advisory_unlock_all()`.execute(session).catch(() => {});
      finish();
      await held.catch(() => {});
    },
  };
}

export class AdvisoryLocks implements ProjectionLocks {
  private session: Session | null = null;
  private readonly held = new Set<string>();

  constructor(private readonly db: ReadDatabase) {}

  async tryAcquire(name: string): Promise<boolean> {
    if (this.held.has(name)) return true;
    this.session ??= openSession(this.db);
    const { rows } = await sql<{ locked: boolean }>`
      select pg_try_advisory_lock(hashtextextended('acredita-projection:' || current_schema() || ':' || ${name}, 0)) as locked`.execute(
      await this.session.connection,
    );
    if (rows[0].locked) this.held.add(name);
    return rows[0].locked;
  }

  async verify(): Promise<string[]> {
    if (this.held.size === 0 || !this.session) return [];
    try {
      await sql`select 1`.execute(await this.session.connection);
      return [];
    } catch {
      // The connection died and the server dropped our locks with it.
      const lost = [...this.held];
      this.held.clear();
      const broken = this.session;
      this.session = null;
      await broken.end();
      return lost;
    }
  }

  async releaseAll(): Promise<void> {
    this.held.clear();
    const session = this.session;
    this.session = null;
    await session?.end();
  }
}
