// The one module of the server that imports @calicokit/workflows: the migration logic the
// routes call (the server holds none of its own).
export {
  approveMigration,
  cancelMigration,
  getMigration,
  isTerminal,
  listMigrations,
  type MigrationEvent,
  type MigrationPlan,
  MigrationPlanSchema,
  type MigrationRecord,
  type MigrationRequest,
  MigrationRequestSchema,
  parseMigrationPlan,
  parseMigrationRequest,
  planMigration,
  resumeMigration,
  rollbackMigration,
  runMigration,
  WorkflowError,
  watchMigration,
} from "@calicokit/workflows";
