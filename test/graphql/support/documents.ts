/** The GraphQL documents the end-to-end suites send, one per operation of the contract. */
const SERVANT = 'id curp fullName state municipality department position regime unionized active personalDataErased registeredAt version';
const STANDARD = 'code title level sector validityYears status certifiedCount';
const CERTIFICATE = `folio status issuedAt validUntil deliveredAt ceremony revokedAt revocationReason servant { id } standard { code }`;
const CERTIFICATION = `id stage trainingProvider modality trainingHours attempts lastVerdict version updatedAt
  servant { id } standard { code } certificate { ${CERTIFICATE} }`;
const EVALUATOR = 'id fullName certificationBody ec0076Folio standardCodes validUntil verdictsRecorded';
const GOAL = 'id state municipality target startsAt deadline description';
const AUDIT_EVENT = 'streamId revision position type data occurredAt recordedAt actor commandId correlationId hash previousHash';

export const Q = {
  servant: `query($id: ID!) { servant(id: $id) { ${SERVANT} certifications { id stage } } }`,
  servantByCurp: `query($curp: String!) { servantByCurp(curp: $curp) { ${SERVANT} } }`,
  servants: `query($filter: ServantFilter, $first: Int, $after: String) {
    servants(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${SERVANT} } } } }`,
  standards: `query { standards { ${STANDARD} } }`,
  standard: `query($code: String!) { standard(code: $code) { ${STANDARD} } }`,
  evaluators: `query { evaluators { ${EVALUATOR} } }`,
  certification: `query($servantId: ID!, $standardCode: String!, $asOf: DateTime) {
    certification(servantId: $servantId, standardCode: $standardCode, asOf: $asOf) { ${CERTIFICATION} } }`,
  certificationHistory: `query($servantId: ID!, $standardCode: String!) {
    certification(servantId: $servantId, standardCode: $standardCode) { id history { ${AUDIT_EVENT} } } }`,
  certificate: `query($folio: String!) { certificate(folio: $folio) { ${CERTIFICATE} } }`,
  verifyCertificate: `query($folio: String!) { verifyCertificate(folio: $folio) {
    folio found status standardCode standardTitle holderInitials municipality issuedAt validUntil } }`,
  certificationStats: `query($state: String, $municipality: String, $asOf: DateTime) {
    certificationStats(state: $state, municipality: $municipality, asOf: $asOf) {
      certifiedServants validCertificates inProgress
      byStandard { key count } byDepartment { key count } byRegime { key count } byMonth { key count } } }`,
  ranking: `query($state: String, $first: Int) { ranking(state: $state, first: $first) { rank state municipality certifiedServants } }`,
  goals: `query($municipality: String) { goals(municipality: $municipality) { ${GOAL} } }`,
  goalProgress: `query($goalId: ID!) { goalProgress(goalId: $goalId) { goal { id } achieved remaining percent } }`,
  auditLog: `query($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { ${AUDIT_EVENT} } } } }`,
  streamHistory: `query($streamId: String!, $asOf: DateTime) { streamHistory(streamId: $streamId, asOf: $asOf) { ${AUDIT_EVENT} } }`,
  verifyIntegrity: `query($streamId: String) { verifyIntegrity(streamId: $streamId) { ok checkedEvents brokenStreamId brokenRevision } }`,
  projections: `query { projections { name position lag } }`,
} as const;

export const M = {
  publishStandard: `mutation($input: PublishStandardInput!) { publishStandard(input: $input) { position standard { ${STANDARD} } } }`,
  withdrawStandard: `mutation($input: WithdrawStandardInput!) { withdrawStandard(input: $input) { position standard { ${STANDARD} } } }`,
  registerServant: `mutation($input: RegisterServantInput!) { registerServant(input: $input) { position servant { ${SERVANT} } } }`,
  changeEmployment: `mutation($input: ChangeEmploymentInput!) { changeEmployment(input: $input) { position servant { ${SERVANT} } } }`,
  separateServant: `mutation($input: SeparateServantInput!) { separateServant(input: $input) { position servant { ${SERVANT} } } }`,
  accreditEvaluator: `mutation($input: AccreditEvaluatorInput!) { accreditEvaluator(input: $input) { position evaluator { ${EVALUATOR} } } }`,
  enrollInTraining: `mutation($input: EnrollInTrainingInput!) { enrollInTraining(input: $input) { position certification { ${CERTIFICATION} } } }`,
  completeTraining: `mutation($input: CompleteTrainingInput!) { completeTraining(input: $input) { position certification { ${CERTIFICATION} } } }`,
  recordVerdict: `mutation($input: RecordVerdictInput!) { recordVerdict(input: $input) { position certification { ${CERTIFICATION} } } }`,
  issueCertificate: `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { position certification { ${CERTIFICATION} } } }`,
  deliverCertificates: `mutation($input: DeliverCertificatesInput!) { deliverCertificates(input: $input) { position certificates { ${CERTIFICATE} } } }`,
  revokeCertificate: `mutation($input: RevokeCertificateInput!) { revokeCertificate(input: $input) { position certificate { ${CERTIFICATE} } } }`,
  setGoal: `mutation($input: SetGoalInput!) { setGoal(input: $input) { position goal { ${GOAL} } } }`,
  erasePersonalData: `mutation($input: ErasePersonalDataInput!) { erasePersonalData(input: $input) { position servant { ${SERVANT} } } }`,
} as const;

export const S = {
  certificateIssued: `subscription($municipality: String) { certificateIssued(municipality: $municipality) {
    folio status issuedAt servant { id municipality } standard { code } } }`,
} as const;
