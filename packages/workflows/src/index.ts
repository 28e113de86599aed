export { CalicoApi } from "./CalicoApi.js";
export { type ClusterSnapshot, readClusterSnapshot, type SnapshotNode } from "./ClusterSnapshot.js";
export {
  applyPlanEffect,
  approveRunEffect,
  cancelRunEffect,
  defaultRunSettings,
  planMigrationEffect,
  type RunSettings,
  resumeRunEffect,
  rollbackRunEffect,
} from "./MigrationEngine.js";
export { journalLabels, journalName } from "./MigrationJournal.js";
export { lockName } from "./MigrationLock.js";
export {
  type ClusterTopology,
  type MigrationPlan,
  MigrationPlanSchema,
  type PlannedChange,
  type PlannedReflector,
  parseMigrationPlan,
  type StepId,
  writesOf,
} from "./MigrationPlan.js";
export {
  type FailureSummary,
  isTerminal,
  type MigrationEvent,
  type MigrationEventBody,
  type MigrationPhase,
  type MigrationRecord,
  type StepRecord,
  type StepState,
} from "./MigrationRecord.js";
export {
  type MigrationRequest,
  MigrationRequestSchema,
  type MigrationTarget,
  migrationDefaults,
  ownershipLabels,
  parseMigrationRequest,
} from "./MigrationRequest.js";
export {
  approveMigration,
  cancelMigration,
  getMigration,
  listMigrations,
  planMigration,
  type RequestOptions,
  type RunOptions,
  resumeMigration,
  rollbackMigration,
  runMigration,
  type WatchMigrationOptions,
  watchMigration,
} from "./Migrations.js";
export {
  classifyTopology,
  planDrift,
  planFromSnapshot,
  reflectorPeers,
  type SessionSettings,
} from "./Planner.js";
export { chooseReflectors } from "./ReflectorChoice.js";
export { type AnyWorkflowError, WorkflowError, type WorkflowErrorTag } from "./WorkflowError.js";
