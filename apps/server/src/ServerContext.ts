import type { CalicoClient } from "@calicokit/client";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ClusterAuth, Identity } from "./ClusterAuth.js";
import type { Logger } from "./Logger.js";
import type { Metrics } from "./Metrics.js";

/** What every route of the service works with. */
export interface ServerContext {
  /** The service's own client (its ServiceAccount): every cluster write goes through it. */
  readonly client: CalicoClient;
  readonly auth: ClusterAuth;
  /** Where journals, Leases and idempotency keys live. */
  readonly namespace: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Aborted when the server begins to shut down: streams end, runs stop at a step boundary. */
  readonly shutdown: AbortSignal;
}

/** Per-request values the middleware sets. */
export interface ServerEnv {
  Variables: {
    /** The authenticated caller (set for every `/v1` route). */
    identity: Identity;
    requestId: string;
  };
}

/** The app type every route module registers on. */
export type ServerApp = OpenAPIHono<ServerEnv>;
