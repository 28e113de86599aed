export { type AppLimits, createApp, type RouteModule } from "./App.js";
export {
  ClusterAuth,
  type ClusterAuthOptions,
  forbidden,
  type Identity,
  migrationsResource,
  type Permission,
} from "./ClusterAuth.js";
export { EventFeeds } from "./EventFeeds.js";
export {
  HttpProblem,
  type HttpProblemTag,
  httpProblemKinds,
  type ProblemDocument,
  problemType,
} from "./HttpProblem.js";
export {
  type ClaimedKey,
  type IdempotencyKeyOptions,
  IdempotencyKeys,
  idempotencyLabels,
  type KeyClaim,
} from "./IdempotencyKeys.js";
export { jsonLogger, type LogFields, type Logger, redact } from "./Logger.js";
export { Metrics } from "./Metrics.js";
export { planPermissions } from "./PlanPermissions.js";
export { clusterProblem, toHttpProblem, workflowProblem } from "./ProblemMapping.js";
export { ProblemSchema, problemResponses } from "./ProblemSchema.js";
export { RunSupervisor, type RunSupervisorOptions } from "./RunSupervisor.js";
export { openApiInfo, registerDocsRoutes } from "./routes/DocsRoutes.js";
export { registerHealthRoutes } from "./routes/HealthRoutes.js";
export {
  type ReadableKind,
  readableKinds,
  registerResourceRoutes,
} from "./routes/ResourceRoutes.js";
export { registerUiRoutes } from "./routes/UiRoutes.js";
export { type RunningServer, type ServerModule, startServer } from "./Server.js";
export type { ServerApp, ServerContext, ServerEnv } from "./ServerContext.js";
export { parseServerArgs, type ServerOptions, serverUsage } from "./ServerOptions.js";
