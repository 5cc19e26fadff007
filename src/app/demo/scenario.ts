/**
 * The Tijuana 2018 scenario (shared/design/domain.md, "The demo scenario"; the
 * press note of 18 September 2018): who, what and when, as Office commands.
 * Everything is fictitious except the figures, places and institutions that the
 * note names; codes and dates the note does not give are marked as assumptions.
 */
import type { EmploymentRegime, Modality } from '../../domain/shared/vocabulary.js';
import { PersonGenerator, pick, seededRandom, type Random } from './people.js';
import {
  addDays,
  businessTime,
  demoId,
  PlanBuilder,
  spreadDate,
  type DemoEvaluator,
  type DemoServant,
  type DemoStep,
  type Place,
} from './plan.js';

// ---------------------------------------------------------------- the figures the note gives

export const TIJUANA: Place = { state: 'Baja California', municipality: 'Tijuana' };

/** What the scenario must show; the tests check the read models against these. */
export const TIJUANA_FIGURES = {
  /** Distinct servants certified in the administration by the ceremony. */
  certifiedByCeremony: 410,
  /** Certificates handed over at the ceremony of 18 September 2018 (one per servant). */
  deliveredAtCeremony: 179,
  /** Of those 179, BASE and unionized. */
  baseUnionizedAtCeremony: 114,
  /** The goal: certified servants by the end of 2018. */
  goalTarget: 600,
  /** Enrolled in the UTT virtual classrooms after the ceremony, none certified yet (600 - 410). */
  openCohort: 190,
} as const;

export const ADMINISTRATION_STARTS = new Date('2016-12-01T00:00:00Z');

export const GOAL = {
  id: demoId('goal', 'tijuana-2018'),
  ...TIJUANA,
  target: TIJUANA_FIGURES.goalTarget,
  startsAt: ADMINISTRATION_STARTS,
  deadline: new Date('2018-12-31T23:59:59Z'),
  description: '600 servidores públicos certificados al término de 2018 (Plan Municipal de Desarrollo)',
  /** Assumed: when the goal was recorded. */
  setAt: businessTime('2017-01-16'),
} as const;

export const CEREMONY = {
  name: 'Entrega de certificados, Palacio Municipal, 18 de septiembre de 2018',
  at: businessTime('2018-09-18', 60),
} as const;

/** The last business date of the scenario: the open cohort's trainings end by then. */
export const SCENARIO_ENDS = businessTime('2018-11-30');

// ---------------------------------------------------------------- standards

export interface DemoStandard {
  code: string;
  title: string;
  level: number;
  sector: string;
  /** null: permanent. */
  validityYears: number | null;
  /** What is assumed about this standard (code, level or validity), null when the sources give it all. */
  assumption: string | null;
}

export const STANDARDS = {
  ciudadano: {
    code: 'EC0105',
    title: 'Atención al ciudadano en el sector público',
    level: 2,
    sector: 'Sector público',
    validityYears: 5,
    assumption: null,
  },
  cursos: {
    code: 'EC0217',
    title: 'Impartición de cursos de formación del capital humano de manera presencial grupal',
    level: 3,
    sector: 'Educación y formación de personas',
    validityYears: null,
    assumption: 'validity not given by the sources: recorded as permanent',
  },
  evaluacion: {
    code: 'EC0076',
    title: 'Evaluación de la competencia de candidatos con base en Estándares de Competencia',
    level: 4,
    sector: 'Educación y formación de personas',
    validityYears: null,
    assumption: 'validity not given by the sources: recorded as permanent',
  },
  asistencia: {
    code: 'EC0369',
    title: 'Promoción de servicios de asistencia social en la comunidad',
    level: 2,
    sector: 'Asistencia social',
    validityYears: null,
    assumption: 'the note names the subject only: code, title, level and validity are assumed',
  },
  gasto: {
    code: 'EC0587',
    title: 'Ejercicio y control del gasto público municipal',
    level: 3,
    sector: 'Sector público',
    validityYears: null,
    assumption: 'the note names the subject only: code, title, level and validity are assumed',
  },
} as const satisfies Record<string, DemoStandard>;

const STANDARDS_PUBLISHED_AT = businessTime('2016-12-05');

// ---------------------------------------------------------------- institutions and departments

export const UTT = 'Universidad Tecnológica de Tijuana (UTT)';
const CITY_HALL_CENTRE = 'Ayuntamiento de Tijuana, Centro de Evaluación de la Oficialía Mayor';
/** Fictitious certification body for the municipalities outside Baja California. */
const REGIONAL_BODY = 'Organismo Certificador Regional (ficticio)';
const CITY_HALL_TRAINING = 'Ayuntamiento de Tijuana, Oficialía Mayor (capacitación)';
const UTT_VIRTUAL = 'Universidad Tecnológica de Tijuana (UTT), aulas virtuales';

export const DEPARTMENTS = {
  oficialia: 'Oficialía Mayor',
  tesoreria: 'Tesorería Municipal',
  sindicatura: 'Sindicatura Municipal',
  desarrolloSocial: 'Secretaría de Desarrollo Social Municipal',
  delegaciones: 'Delegaciones Municipales',
  atencion: 'Dirección de Atención Ciudadana',
} as const;

/** Positions per department, as [man, woman]. */
const POSITIONS: Record<string, [string, string][]> = {
  [DEPARTMENTS.oficialia]: [['Auxiliar administrativo', 'Auxiliar administrativa'], ['Analista de recursos humanos', 'Analista de recursos humanos'], ['Instructor de capacitación', 'Instructora de capacitación']],
  [DEPARTMENTS.tesoreria]: [['Cajero de recaudación', 'Cajera de recaudación'], ['Auxiliar contable', 'Auxiliar contable'], ['Analista de egresos', 'Analista de egresos']],
  [DEPARTMENTS.sindicatura]: [['Auxiliar jurídico', 'Auxiliar jurídica'], ['Inspector', 'Inspectora'], ['Secretario', 'Secretaria']],
  [DEPARTMENTS.desarrolloSocial]: [['Promotor social', 'Promotora social'], ['Trabajador social', 'Trabajadora social'], ['Coordinador de programa', 'Coordinadora de programa']],
  [DEPARTMENTS.delegaciones]: [['Auxiliar de ventanilla', 'Auxiliar de ventanilla'], ['Jefe de departamento', 'Jefa de departamento']],
  [DEPARTMENTS.atencion]: [['Orientador ciudadano', 'Orientadora ciudadana'], ['Recepcionista', 'Recepcionista']],
};
const DELEGACIONES = ['Centro', 'La Mesa', 'Playas de Tijuana', 'San Antonio de los Buenos', 'Sánchez Taboada', 'Otay Centenario', 'Cerro Colorado', 'La Presa', 'La Presa Este'];

/** Other municipalities, each with fewer certified servants than Tijuana, so the ranking has something to rank. */
export const OTHER_MUNICIPALITIES = [
  { key: 'mexicali', state: 'Baja California', municipality: 'Mexicali', certified: 60, enrolFrom: '2017-08-07', enrolTo: '2018-06-29', ceremonyOn: '2018-08-31', birthStates: null },
  { key: 'leon', state: 'Guanajuato', municipality: 'León', certified: 40, enrolFrom: '2017-06-05', enrolTo: '2018-05-25', ceremonyOn: '2018-07-27', birthStates: ['GT', 'GT', 'GT', 'JC', 'MN'] },
  { key: 'ensenada', state: 'Baja California', municipality: 'Ensenada', certified: 30, enrolFrom: '2017-10-02', enrolTo: '2018-07-06', ceremonyOn: null, birthStates: null },
  { key: 'hermosillo', state: 'Sonora', municipality: 'Hermosillo', certified: 24, enrolFrom: '2018-01-08', enrolTo: '2018-07-13', ceremonyOn: null, birthStates: ['SR', 'SR', 'SR', 'SL', 'CH'] },
  { key: 'tecate', state: 'Baja California', municipality: 'Tecate', certified: 14, enrolFrom: '2018-02-05', enrolTo: '2018-06-15', ceremonyOn: '2018-08-17', birthStates: null },
  { key: 'rosarito', state: 'Baja California', municipality: 'Playas de Rosarito', certified: 9, enrolFrom: '2018-03-05', enrolTo: '2018-07-20', ceremonyOn: null, birthStates: null },
] as const;

// ---------------------------------------------------------------- the storyline

const SEED = 20180918;

interface Journey {
  enrolledAt: Date;
  evaluatedAt: Date[];
  issuedAt: Date;
}

/** Training takes three weeks; a verdict a week later; a retake three weeks after a NOT_YET_COMPETENT; issuance ten days after. */
function journey(enrolledAt: Date, retake: boolean): Journey {
  const first = addDays(enrolledAt, 28);
  const evaluatedAt = retake ? [first, addDays(first, 21)] : [first];
  return { enrolledAt, evaluatedAt, issuedAt: addDays(evaluatedAt.at(-1)!, 10) };
}

/** Builds the whole scenario; the same steps every time. */
export function buildScenario(): DemoStep[] {
  return new TijuanaStory().build();
}

class TijuanaStory {
  private readonly plan = new PlanBuilder();
  private readonly people = new PersonGenerator(SEED);
  private readonly random: Random = seededRandom(SEED + 1);
  private readonly evaluators: { utt: DemoEvaluator[]; cityHall: DemoEvaluator[]; regional: DemoEvaluator[] } = {
    utt: [],
    cityHall: [],
    regional: [],
  };
  private verdictCount = 0;

  build(): DemoStep[] {
    this.publishStandards();
    this.setGoal();
    this.accreditUttEvaluators();
    const pioneers = this.pioneers();
    this.accreditCityHallEvaluators(pioneers);
    this.accreditRegionalEvaluators();
    const early = this.earlierCohorts(TIJUANA_FIGURES.certifiedByCeremony - TIJUANA_FIGURES.deliveredAtCeremony - pioneers.length);
    this.ceremony('tijuana-2017-12-08', 'Entrega de certificados, Palacio Municipal, 8 de diciembre de 2017', businessTime('2017-12-08', 60), [
      ...pioneers.flatMap((p) => p.folios),
      ...early.y2017,
    ]);
    this.ceremony('tijuana-2018-06-15', 'Entrega de certificados, Palacio Municipal, 15 de junio de 2018', businessTime('2018-06-15', 60), early.y2018);
    this.ceremony('tijuana-2018-09-18', CEREMONY.name, CEREMONY.at, this.ceremonyCohort());
    this.openCohort();
    for (const town of OTHER_MUNICIPALITIES) this.otherMunicipality(town);
    return this.plan.steps();
  }

  private publishStandards(): void {
    for (const standard of Object.values(STANDARDS)) {
      const { code, title, level, sector, validityYears } = standard;
      this.plan.add({
        command: 'publishStandard',
        input: { code, title, level, sector, validityYears },
        occurredAt: STANDARDS_PUBLISHED_AT,
        commandId: `demo-standard-${code}`,
        correlationId: 'demo-catalogue',
      });
    }
  }

  private setGoal(): void {
    const { id, state, municipality, target, startsAt, deadline, description, setAt } = GOAL;
    this.plan.add({
      command: 'setGoal',
      input: { id, state, municipality, target, startsAt, deadline, description },
      occurredAt: setAt,
      commandId: 'demo-goal-tijuana-2018',
      correlationId: 'demo-goal-tijuana-2018',
    });
  }

  private accredit(
    group: DemoEvaluator[],
    key: string,
    fullName: string,
    body: string,
    ec0076Folio: string,
    standardCodes: string[],
    accreditedAt: Date,
    validUntil: Date,
  ): void {
    const evaluator: DemoEvaluator = { id: demoId('evaluator', key), fullName, standardCodes, accreditedAt, validUntil };
    group.push(evaluator);
    this.plan.add({
      command: 'accreditEvaluator',
      input: { id: evaluator.id, fullName, certificationBody: body, ec0076Folio, standardCodes, validUntil },
      occurredAt: accreditedAt,
      commandId: `demo-accredit-${key}`,
      correlationId: `demo-accredit-${key}`,
    });
  }

  /** UTT's own evaluators, the certification body the note names: every standard of the scenario. */
  private accreditUttEvaluators(): void {
    const codes = Object.values(STANDARDS).map((s) => s.code);
    for (let i = 1; i <= 4; i++) {
      const person = this.people.next();
      this.accredit(this.evaluators.utt, `utt-${i}`, person.fullName, UTT, `EC0076-UTT-2015-${String(30 + i).padStart(4, '0')}`, codes, businessTime('2017-01-16', i), new Date('2019-12-31T23:59:59Z'));
    }
  }

  /** Evaluators outside Baja California, for León and Hermosillo. */
  private accreditRegionalEvaluators(): void {
    for (let i = 1; i <= 2; i++) {
      const person = this.people.next();
      this.accredit(this.evaluators.regional, `regional-${i}`, person.fullName, REGIONAL_BODY, `EC0076-OCR-2016-${String(100 + i).padStart(4, '0')}`, [STANDARDS.ciudadano.code, STANDARDS.gasto.code], businessTime('2017-06-01', i), new Date('2020-05-31T23:59:59Z'));
    }
  }

  /**
   * Eight Oficialía Mayor staff certified first, by UTT, in EC0076 and EC0217:
   * the city hall's own instructors and, six of them, its evaluators.
   */
  private pioneers(): { servant: DemoServant; folios: string[]; ec0076Folio: string }[] {
    return Array.from({ length: 8 }, (_, i) => {
      const servant = this.tijuanaServant(`tij-p${i + 1}`, DEPARTMENTS.oficialia, 'BASE', true, 2);
      this.plan.register(servant, businessTime('2017-01-30', i));
      const folios = [STANDARDS.evaluacion, STANDARDS.cursos].map((standard, s) => {
        const trip = journey(businessTime(s === 0 ? '2017-02-06' : '2017-02-20', i), false);
        return this.certify(servant, standard.code, trip, { provider: UTT, modality: 'PRESENTIAL', hours: 40 }, this.evaluators.utt, 'UTT');
      });
      return { servant, folios, ec0076Folio: folios[0] };
    });
  }

  private accreditCityHallEvaluators(pioneers: { servant: DemoServant; ec0076Folio: string }[]): void {
    const codes = [STANDARDS.ciudadano.code, STANDARDS.asistencia.code, STANDARDS.gasto.code];
    pioneers.slice(0, 6).forEach(({ servant, ec0076Folio }, i) => {
      this.accredit(this.evaluators.cityHall, `tij-evaluator-${i + 1}`, servant.person.fullName, CITY_HALL_CENTRE, ec0076Folio, codes, businessTime('2017-05-15', i), new Date('2020-05-14T23:59:59Z'));
    });
  }

  /**
   * The servants certified before the 2018 ceremony, besides the pioneers: half
   * in 2017 (EC0105), half in the first months of 2018 (EC0105 and the social
   * assistance and public spending standards). A few missed their ceremony.
   */
  private earlierCohorts(total: number): { y2017: string[]; y2018: string[] } {
    const n2017 = Math.ceil(total / 2);
    const n2018 = total - n2017;
    const y2017: string[] = [];
    const y2018: string[] = [];
    for (let i = 0; i < n2017; i++) {
      const department = pick(this.random, Object.values(DEPARTMENTS));
      const folio = this.cityHallCertification(`tij-a${i + 1}`, department, STANDARDS.ciudadano.code, spreadDate('2017-05-22', '2017-09-29', i, n2017), i);
      if (i % 19 !== 7) y2017.push(folio);
    }
    for (let i = 0; i < n2018; i++) {
      const [department, code] =
        i % 4 === 1 ? [DEPARTMENTS.desarrolloSocial, STANDARDS.asistencia.code]
        : i % 4 === 3 ? [DEPARTMENTS.tesoreria, STANDARDS.gasto.code]
        : [pick(this.random, Object.values(DEPARTMENTS)), STANDARDS.ciudadano.code];
      const folio = this.cityHallCertification(`tij-b${i + 1}`, department, code, spreadDate('2018-01-08', '2018-03-30', i, n2018), i);
      if (i % 13 !== 5) y2018.push(folio);
    }
    return { y2017, y2018 };
  }

  /**
   * The 179 of the ceremony, certified from July to early September 2018;
   * exactly 114 BASE and unionized, the rest CONFIANZA, EVENTUAL or HONORARIOS.
   */
  private ceremonyCohort(): string[] {
    const { deliveredAtCeremony: n, baseUnionizedAtCeremony: base } = TIJUANA_FIGURES;
    const others = n - base;
    const regimes: EmploymentRegime[] = [
      ...Array<EmploymentRegime>(base).fill('BASE'),
      ...Array<EmploymentRegime>(others - 15).fill('CONFIANZA'),
      ...Array<EmploymentRegime>(10).fill('EVENTUAL'),
      ...Array<EmploymentRegime>(5).fill('HONORARIOS'),
    ];
    shuffle(this.random, regimes);
    return regimes.map((regime, i) => {
      const [department, code] =
        i % 7 === 2 ? [DEPARTMENTS.desarrolloSocial, STANDARDS.asistencia.code]
        : i % 9 === 4 ? [DEPARTMENTS.tesoreria, STANDARDS.gasto.code]
        : i % 13 === 6 ? [DEPARTMENTS.oficialia, STANDARDS.cursos.code]
        : [pick(this.random, Object.values(DEPARTMENTS)), STANDARDS.ciudadano.code];
      return this.cityHallCertification(`tij-c${i + 1}`, department, code, spreadDate('2018-06-04', '2018-07-13', i, n), i, regime);
    });
  }

  /** The UTT virtual classrooms, from the week after the ceremony: enrolled, some trained, none evaluated yet. */
  private openCohort(): void {
    const n = TIJUANA_FIGURES.openCohort;
    for (let i = 0; i < n; i++) {
      const servant = this.tijuanaServant(`tij-v${i + 1}`, pick(this.random, Object.values(DEPARTMENTS)));
      const enrolledAt = spreadDate('2018-09-25', '2018-10-12', i, n);
      this.plan.register(servant, addDays(enrolledAt, -7));
      this.plan.enroll(servant, STANDARDS.ciudadano.code, UTT_VIRTUAL, 'VIRTUAL', enrolledAt);
      if (i % 3 !== 0) {
        this.plan.add({
          command: 'completeTraining',
          input: { servantId: servant.id, standardCode: STANDARDS.ciudadano.code, hours: 20 },
          occurredAt: addDays(enrolledAt, 28),
          commandId: `demo-complete-${servant.key}-${STANDARDS.ciudadano.code}`,
          correlationId: `demo-${servant.key}`,
        });
      }
    }
  }

  /** A smaller programme elsewhere: EC0105 (some public spending), trained by the municipality itself. */
  private otherMunicipality(town: (typeof OTHER_MUNICIPALITIES)[number]): void {
    const place = { state: town.state, municipality: town.municipality };
    const inBaja = town.state === TIJUANA.state;
    const folios: string[] = [];
    for (let i = 0; i < town.certified; i++) {
      const department = pick(this.random, [DEPARTMENTS.oficialia, DEPARTMENTS.tesoreria, DEPARTMENTS.atencion]);
      const servant = this.servant(`${town.key}-${i + 1}`, place, department, this.randomRegime(), town.birthStates ?? undefined);
      const trip = journey(spreadDate(town.enrolFrom, town.enrolTo, i, town.certified), i % 11 === 3);
      this.plan.register(servant, addDays(trip.enrolledAt, -7));
      const code = department === DEPARTMENTS.tesoreria && i % 2 === 0 ? STANDARDS.gasto.code : STANDARDS.ciudadano.code;
      const training = { provider: `Ayuntamiento de ${town.municipality} (capacitación)`, modality: (i % 5 === 0 ? 'BLENDED' : 'PRESENTIAL') as Modality, hours: 20 };
      const folio = this.certify(servant, code, trip, training, inBaja ? this.evaluators.utt : this.evaluators.regional, inBaja ? 'UTT' : 'OCR');
      if (town.ceremonyOn && trip.issuedAt < businessTime(town.ceremonyOn)) folios.push(folio);
    }
    if (town.ceremonyOn) {
      const name = `Entrega de certificados, Ayuntamiento de ${town.municipality}, ${spanishDate(town.ceremonyOn)}`;
      this.ceremony(`${town.key}-${town.ceremonyOn}`, name, businessTime(town.ceremonyOn, 60), folios);
    }
  }

  // ------------------------------------------------------------ helpers

  /**
   * A Tijuana servant trained by the city hall and evaluated by its evaluators
   * (UTT for EC0217); one in seventeen, experienced already, goes straight to evaluation.
   */
  private cityHallCertification(key: string, department: string, code: string, enrolledAt: Date, i: number, regime?: EmploymentRegime): string {
    const servant = regime
      ? this.tijuanaServant(key, department, regime, regime === 'BASE')
      : this.tijuanaServant(key, department);
    const trip = journey(enrolledAt, i % 10 === 4);
    this.plan.register(servant, addDays(enrolledAt, -7));
    const evaluators = code === STANDARDS.cursos.code ? this.evaluators.utt : this.evaluators.cityHall;
    const hours = code === STANDARDS.cursos.code ? 40 : code === STANDARDS.ciudadano.code ? 20 : 30;
    const training = i % 17 === 9 ? null : { provider: CITY_HALL_TRAINING, modality: 'PRESENTIAL' as const, hours };
    return this.certify(servant, code, trip, training, evaluators, 'UTT');
  }

  private certify(
    servant: DemoServant,
    standardCode: string,
    trip: Journey,
    training: { provider: string; modality: Modality; hours: number } | null,
    evaluators: DemoEvaluator[],
    body: string,
  ): string {
    const evaluator = evaluators[this.verdictCount++ % evaluators.length];
    const [first, last] = [trip.evaluatedAt[0], trip.evaluatedAt.at(-1)!];
    if (first < evaluator.accreditedAt || last > evaluator.validUntil || !evaluator.standardCodes.includes(standardCode)) {
      throw new Error(`Scenario error: ${evaluator.fullName} cannot judge ${standardCode} for ${servant.key}`);
    }
    return this.plan.certify(servant, {
      standardCode,
      training: training && { ...training, enrolledAt: trip.enrolledAt },
      evaluatedAt: trip.evaluatedAt,
      evaluator,
      issuedAt: trip.issuedAt,
      body,
    });
  }

  private ceremony(key: string, name: string, at: Date, folios: string[]): void {
    this.plan.add({
      command: 'deliverCertificates',
      input: { folios, ceremony: name },
      occurredAt: at,
      commandId: `demo-ceremony-${key}`,
      correlationId: `demo-ceremony-${key}`,
    });
  }

  private tijuanaServant(key: string, department: string, regime?: EmploymentRegime, unionized?: boolean, positionIndex?: number): DemoServant {
    const chosen = regime ?? this.randomRegime();
    return this.servant(key, TIJUANA, department, chosen, undefined, unionized, positionIndex);
  }

  private servant(
    key: string,
    place: Place,
    department: string,
    regime: EmploymentRegime,
    birthStates?: readonly string[],
    unionized?: boolean,
    positionIndex?: number,
  ): DemoServant {
    const person = this.people.next({ birthStates });
    const choices = POSITIONS[department];
    const [man, woman] = positionIndex === undefined ? pick(this.random, choices) : choices[positionIndex];
    let position = person.sex === 'M' ? woman : man;
    if (department === DEPARTMENTS.delegaciones) position += `, Delegación ${pick(this.random, DELEGACIONES)}`;
    // Base workers are usually unionized; other regimes never are.
    const inUnion = unionized ?? (regime === 'BASE' && this.random() < 0.9);
    return { key, id: demoId('servant', key), person, place, department, position, regime, unionized: inUnion };
  }

  private randomRegime(): EmploymentRegime {
    const r = this.random();
    return r < 0.55 ? 'BASE' : r < 0.9 ? 'CONFIANZA' : r < 0.97 ? 'EVENTUAL' : 'HONORARIOS';
  }
}

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

/** 2018-07-27 -> 27 de julio de 2018 */
function spanishDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${day} de ${MONTHS[month - 1]} de ${year}`;
}

function shuffle<T>(random: Random, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
