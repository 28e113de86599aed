import { createRoute, z } from "@hono/zod-openapi";
import { docsPage } from "../internal/DocsPage.js";
import { problemResponses } from "../ProblemSchema.js";
import type { ServerApp } from "../ServerContext.js";

/** The OpenAPI document's head. */
export const openApiInfo = {
  openapi: "3.1.0",
  info: {
    title: "calicokit",
    version: "0.1.0",
    description:
      "Plan, run and follow Calico BGP topology migrations. Every `/v1` call needs a Kubernetes bearer token; the cluster's RBAC decides what it may do. Errors are RFC 9457 problem documents with a stable `type`.",
  },
} as const;

/**
 * `/openapi.json` (OpenAPI 3.1, generated from the routes' zod schemas) and `/docs`, a
 * self-contained reference page built from it (no CDN: the service often runs without internet).
 * Register last, so the document lists every route.
 *
 * @example
 * ```ts
 * import { registerDocsRoutes } from "@calicokit/server"
 * declare const app: import("@calicokit/server").ServerApp
 * registerDocsRoutes(app)
 * ```
 */
export function registerDocsRoutes(app: ServerApp): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/docs",
      tags: ["docs"],
      summary: "A reference page of this API",
      responses: {
        200: { description: "HTML", content: { "text/html": { schema: z.string() } } },
        ...problemResponses([], false),
      },
    }),
    (c) => c.html(docsPage(), 200),
  );
  app.doc31("/openapi.json", openApiInfo);
}
