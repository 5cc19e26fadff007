import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import { createOffice } from '../../src/application/create-office.js';
import type { CommandContext } from '../../src/domain/shared/event.js';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { SqliteKeyStore } from '../../src/privacy/sqlite-key-store.js';
import { EnvelopeVault } from '../../src/privacy/vault.js';
import { temporarySqliteFile } from './sqlite.js';

/** The write side over a real SQLite file in a temp folder (no read models). */
export async function sqliteOffice() {
  const file = await temporarySqliteFile();
  const store = new SqliteEventStore(file.path);
  const keys = new SqliteKeyStore(store.database, (fn) => store.withWriteLock(fn));
  await keys.migrate();
  const vault = new EnvelopeVault(randomBytes(32), keys);
  const office = createOffice(eventStreamsOf(store), vault);
  return {
    office,
    store,
    vault,
    path: file.path,
    close: async () => {
      await store.close();
      await file.remove();
    },
  };
}

/** A command context at business time `occurredAt` (default now). */
export function at(occurredAt?: string, extra: Partial<CommandContext> = {}): CommandContext {
  const now = new Date();
  return {
    occurredAt: occurredAt ? new Date(occurredAt) : now,
    now,
    actor: 'test-admin',
    commandId: null,
    correlationId: null,
    ...extra,
  };
}

/** The typed error a command was refused with (fails the test if it was not refused). */
export async function rejection(promise: Promise<unknown>): Promise<AcreditaError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AcreditaError);
  return error as AcreditaError;
}
