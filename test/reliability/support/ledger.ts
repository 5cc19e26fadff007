/**
 * Holds the event log and the read models against what clients were told:
 * every acknowledged mutation's events are in the log exactly once, at the
 * position the client got; nothing refused left a trace; the read models count
 * what was acknowledged.
 */
import { expect } from 'vitest';
import type { EventStore, RecordedEvent } from '../../../src/eventstore/types.js';
import { gql, must } from './client.js';
import { EVENTS_OF, type Acknowledged, type Base, type Refused, type WorkloadReport } from './workload.js';

export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const page = await store.readAll({ after, limit: 5_000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

/**
 * Problems found, as sentences (empty: all good). With `everyCommandAcknowledged`
 * every command in the log must also be one a client saw acknowledged (no crash
 * could have swallowed an answer).
 */
export function auditLog(
  events: readonly RecordedEvent[],
  acknowledged: readonly Acknowledged[],
  refused: readonly Refused[],
  everyCommandAcknowledged: boolean,
): string[] {
  const problems: string[] = [];
  const byCommand = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const commandId = event.metadata.commandId;
    if (typeof commandId !== 'string') continue;
    if (!byCommand.has(commandId)) byCommand.set(commandId, []);
    byCommand.get(commandId)!.push(event);
  }
  // None twice: a command never appends the same kind of event to the same stream again.
  for (const [commandId, recorded] of byCommand) {
    const keys = recorded.map((event) => `${event.streamId} ${event.type}`);
    if (new Set(keys).size !== keys.length) problems.push(`command ${commandId} appended twice: ${keys.join(', ')}`);
  }
  const acknowledgedIds = new Set<string>();
  for (const ack of acknowledged) {
    if (acknowledgedIds.has(ack.commandId)) problems.push(`command ${ack.commandId} acknowledged twice by the client`);
    acknowledgedIds.add(ack.commandId);
    const recorded = byCommand.get(ack.commandId) ?? [];
    const types = recorded.map((event) => event.type).sort();
    if (JSON.stringify(types) !== JSON.stringify([...EVENTS_OF[ack.op]].sort())) {
      problems.push(`${ack.op} ${ack.commandId} acknowledged at ${ack.position} but the log holds [${types.join(', ')}]`);
      continue;
    }
    const last = recorded.reduce((high, event) => (event.position > high ? event.position : high), 0n);
    if (last !== ack.position) problems.push(`${ack.op} ${ack.commandId} acknowledged at ${ack.position}, its last event is at ${last}`);
  }
  for (const refusal of refused) {
    if (byCommand.has(refusal.commandId)) problems.push(`${refusal.op} ${refusal.commandId} was refused (${refusal.code}) but wrote events`);
  }
  if (everyCommandAcknowledged) {
    for (const commandId of byCommand.keys()) {
      if (!acknowledgedIds.has(commandId)) problems.push(`command ${commandId} is in the log but no client saw it acknowledged`);
    }
  }
  return problems;
}

/** The read models, through the API, count what was acknowledged. */
export async function expectReadModelsMatch(endpoint: string, token: string, report: WorkloadReport, base: Base): Promise<void> {
  const data = must(
    await gql(
      endpoint,
      `query {
        servants(first: 1) { totalCount }
        certificationStats(municipality: "Tijuana") { certifiedServants validCertificates }
        standard(code: "EC0105") { certifiedCount }
        ${base.shared.map((_, i) => `s${i}: servant(id: "${base.shared[i]}") { version }`).join('\n')}
      }`,
      {},
      token,
    ),
  ) as Record<string, any>;
  expect(data.servants.totalCount).toBe(report.servants.length + base.shared.length);
  expect(data.certificationStats.validCertificates).toBe(report.folios.length);
  expect(data.certificationStats.certifiedServants).toBe(report.folios.length);
  expect(data.standard.certifiedCount).toBe(report.folios.length);
  base.shared.forEach((id, i) => expect(data[`s${i}`].version, `version of shared servant ${id}`).toBe(1 + report.changes.get(id)!));
}

/** Counts of the log's events by type, for the figures. */
export function countByType(events: readonly RecordedEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}
