/**
 * Every table kept in the read store, by name: each feature declares its own
 * (its tables.ts), so `ReadDatabase` queries are checked against the rows
 * their migrations create.
 */
import type { CredentialStatusTables } from '../credentials/status/tables.js';
import type { WebhookTables } from '../notifications/webhooks/tables.js';
import type { AccessTables } from '../privacy/access-record.js';
import type { TransparencyTables } from '../transparency/tree-store.js';
import type { CertificatesTables } from './certificates/tables.js';
import type { CertificationsTables } from './certifications/tables.js';
import type { EvaluatorsTables } from './evaluators/tables.js';
import type { GoalsTables } from './goals/tables.js';
import type { PositionsTables } from './positions.js';
import type { ServantsTables } from './servants/tables.js';
import type { StandardsTables } from './standards/tables.js';
import type { StatisticsTables } from './statistics/tables.js';

export interface ReadModels
  extends CertificatesTables,
    CertificationsTables,
    EvaluatorsTables,
    GoalsTables,
    ServantsTables,
    StandardsTables,
    StatisticsTables,
    CredentialStatusTables,
    TransparencyTables,
    AccessTables,
    WebhookTables,
    PositionsTables {}
