import { createRoute, z } from "@hono/zod-openapi";
import { HttpProblem } from "../HttpProblem.js";
import { problemResponses } from "../ProblemSchema.js";
import type { ServerApp, ServerContext } from "../ServerContext.js";

const StatusSchema = z.object({ status: z.literal("ok") }).openapi("Health");
const ReadySchema = z
  .object({
    status: z.literal("ready"),
    api: z.string().openapi({ example: "projectcalico.org/v3" }),
    calicoVersion: z.string().nullable(),
  })
  .openapi("Readiness");

/**
 * `/healthz` (the process serves), `/readyz` (the cluster answers and the Calico API is served)
 * and `/metrics` (Prometheus text). None needs a token: probes and scrapers carry none, and none
 * says anything about the cluster's contents.
 *
 * @example
 * ```ts
 * import { registerHealthRoutes } from "@calicokit/server"
 * declare const app: import("@calicokit/server").ServerApp
 * declare const context: import("@calicokit/server").ServerContext
 * registerHealthRoutes(app, context)
 * ```
 */
export function registerHealthRoutes(app: ServerApp, context: ServerContext): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/healthz",
      tags: ["health"],
      summary: "The process is alive",
      responses: {
        200: { description: "alive", content: { "application/json": { schema: StatusSchema } } },
        ...problemResponses([], false),
      },
    }),
    (c) => c.json({ status: "ok" as const }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/readyz",
      tags: ["health"],
      summary: "The cluster is reachable and serves the Calico API",
      responses: {
        200: { description: "ready", content: { "application/json": { schema: ReadySchema } } },
        ...problemResponses(["shutting-down", "cluster-unavailable", "cluster-error"], false),
      },
    }),
    async (c) => {
      if (context.shutdown.aborted) {
        throw new HttpProblem(
          "shutting-down",
          "the server is draining; send requests to another replica",
        );
      }
      await context.client.clusterInformations.listPage({
        pageSize: 1,
        signal: AbortSignal.timeout(5_000),
      });
      return c.json(
        {
          status: "ready" as const,
          api: context.client.api.apiVersion,
          calicoVersion: context.client.facts.calicoVersion ?? null,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/metrics",
      tags: ["health"],
      summary: "Prometheus metrics: HTTP latency, API retries, step durations, runs by phase",
      responses: {
        200: { description: "metrics", content: { "text/plain": { schema: z.string() } } },
        ...problemResponses([], false),
      },
    }),
    (c) => c.text(context.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
  );
}
