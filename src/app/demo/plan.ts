/**
 * The demo as data: an ordered list of Office commands, each with its business
 * time and a deterministic commandId. Ids of servants, evaluators and the goal
 * are derived from fixed keys, so the plan needs no command's result and a
 * re-run replays every command instead of appending.
 */
import type { Office } from '../../application/office.js';
import { derivedUuid } from '../../application/ids.js';
import type { EmploymentRegime, Modality } from '../../domain/shared/vocabulary.js';
import type { Person } from './people.js';

type OfficeInput<K extends keyof Office> = Parameters<Office[K]>[0];

/** One Office command of the scenario. */
export type DemoStep = {
  [K in keyof Office]: {
    command: K;
    input: OfficeInput<K>;
    occurredAt: Date;
    commandId: string;
    /** Groups one servant's journey (or one ceremony) for the audit log. */
    correlationId: string;
  };
}[keyof Office];

const DAY_MS = 86_400_000;

/** 10:00 in Tijuana (17:00 UTC in summer) plus `minutes`, on a YYYY-MM-DD date. */
export function businessTime(date: string, minutes = 0): Date {
  return new Date(Date.parse(`${date}T17:00:00Z`) + minutes * 60_000);
}

export const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * DAY_MS);

/** The `i`-th of `n` dates spread evenly from `from` to `to` (YYYY-MM-DD), at a minute that keeps them apart. */
export function spreadDate(from: string, to: string, i: number, n: number): Date {
  const start = businessTime(from).getTime();
  const span = businessTime(to).getTime() - start;
  const day = n <= 1 ? 0 : Math.floor(((span / DAY_MS) * i) / (n - 1));
  return new Date(start + day * DAY_MS + (i % 60) * 5 * 60_000);
}

export interface Place {
  state: string;
  municipality: string;
}

export interface DemoServant {
  key: string;
  id: string;
  person: Person;
  place: Place;
  department: string;
  position: string;
  regime: EmploymentRegime;
  unionized: boolean;
}

export interface DemoEvaluator {
  id: string;
  fullName: string;
  /** Standards the evaluator may judge, and until when. */
  standardCodes: readonly string[];
  accreditedAt: Date;
  validUntil: Date;
}

export interface CertificationPath {
  standardCode: string;
  /** null: evaluated without training (alineación is optional). */
  training: { provider: string; modality: Modality; hours: number; enrolledAt: Date } | null;
  /** Verdicts in order; every verdict but the last is NOT_YET_COMPETENT, the last COMPETENT. */
  evaluatedAt: Date[];
  evaluator: DemoEvaluator;
  issuedAt: Date;
  /** Folio prefix of the certification body, e.g. UTT. */
  body: string;
}

/** Collects the steps; `steps()` returns them in business-time order. */
export class PlanBuilder {
  private readonly list: DemoStep[] = [];
  private readonly folioCounters = new Map<string, number>();

  add(step: DemoStep): void {
    this.list.push(step);
  }

  /** Stable: steps at the same instant keep the order they were added in. */
  steps(): DemoStep[] {
    return this.list
      .map((step, index) => ({ step, index }))
      .sort((a, b) => a.step.occurredAt.getTime() - b.step.occurredAt.getTime() || a.index - b.index)
      .map(({ step }) => step);
  }

  register(servant: DemoServant, at: Date): void {
    const { person, place } = servant;
    this.add({
      command: 'registerServant',
      input: {
        id: servant.id,
        curp: person.curp,
        fullName: person.fullName,
        state: place.state,
        municipality: place.municipality,
        department: servant.department,
        position: servant.position,
        regime: servant.regime,
        unionized: servant.unionized,
      },
      occurredAt: at,
      commandId: `demo-register-${servant.key}`,
      correlationId: `demo-${servant.key}`,
    });
  }

  /** Training (if any), the verdicts and the issuance; returns the folio. */
  certify(servant: DemoServant, path: CertificationPath): string {
    const { standardCode: code } = path;
    const step = (name: string) => `demo-${name}-${servant.key}-${code}`;
    const correlationId = `demo-${servant.key}`;
    const target = { servantId: servant.id, standardCode: code };
    if (path.training) {
      const { provider, modality, hours, enrolledAt } = path.training;
      this.enroll(servant, code, provider, modality, enrolledAt);
      this.add({ command: 'completeTraining', input: { ...target, hours }, occurredAt: addDays(enrolledAt, 21), commandId: step('complete'), correlationId });
    }
    path.evaluatedAt.forEach((at, i) => {
      const verdict = i === path.evaluatedAt.length - 1 ? 'COMPETENT' : 'NOT_YET_COMPETENT';
      this.add({
        command: 'recordVerdict',
        input: { ...target, evaluatorId: path.evaluator.id, verdict },
        occurredAt: at,
        commandId: `${step('verdict')}-${i + 1}`,
        correlationId,
      });
    });
    const folio = this.nextFolio(path.body, code, path.issuedAt);
    this.add({ command: 'issueCertificate', input: { ...target, folio }, occurredAt: path.issuedAt, commandId: step('issue'), correlationId });
    return folio;
  }

  enroll(servant: DemoServant, standardCode: string, provider: string, modality: Modality, at: Date): void {
    this.add({
      command: 'enrollInTraining',
      input: { servantId: servant.id, standardCode, provider, modality },
      occurredAt: at,
      commandId: `demo-enroll-${servant.key}-${standardCode}`,
      correlationId: `demo-${servant.key}`,
    });
  }

  /** `UTT-EC0105-2018-0042`: body, standard, year of issuance, running number. */
  private nextFolio(body: string, code: string, issuedAt: Date): string {
    const series = `${body}-${code}-${issuedAt.getUTCFullYear()}`;
    const n = (this.folioCounters.get(series) ?? 0) + 1;
    this.folioCounters.set(series, n);
    return `${series}-${String(n).padStart(4, '0')}`;
  }
}

/** A stable id for a scenario entity (servant, evaluator, goal). */
export const demoId = (kind: string, key: string): string => derivedUuid('acredita-demo', kind, key);
