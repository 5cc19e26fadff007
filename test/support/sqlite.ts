import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TemporarySqliteFile {
  /** A path inside a fresh temporary folder; the file itself does not exist yet. */
  path: string;
  /** Removes the folder with the file and its -wal/-shm companions. */
  remove: () => Promise<void>;
}

export async function temporarySqliteFile(name = 'acredita.sqlite'): Promise<TemporarySqliteFile> {
  const dir = await mkdtemp(join(tmpdir(), 'acredita-test-'));
  return { path: join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}
