/** The whole event catalogue, for projections and auditors (docs/events.md describes each). */
import type { CertificationEvent, FolioAssigned, PrintedFolioAssigned } from './certifications/events.js';
import type { EvaluatorEvent } from './evaluators/events.js';
import type { GoalEvent } from './goals/events.js';
import type { CurpClaimed, ServantEvent } from './servants/events.js';
import type { StandardEvent } from './standards/events.js';

export type DomainEvent =
  | StandardEvent
  | ServantEvent
  | CurpClaimed
  | EvaluatorEvent
  | CertificationEvent
  | FolioAssigned
  | PrintedFolioAssigned
  | GoalEvent;

export type DomainEventType = DomainEvent['type'];
