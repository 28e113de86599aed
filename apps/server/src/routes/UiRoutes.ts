import { createRoute, z } from "@hono/zod-openapi";
import { uiPage } from "../internal/UiPage.js";
import { problemResponses } from "../ProblemSchema.js";
import type { ServerApp } from "../ServerContext.js";

/**
 * `/ui`: one page that follows a run live (steps, sessions Established, the session graph) over
 * the run's event stream. The page itself is public and static; everything it shows comes from
 * `/v1` with the caller's token (given in the URL fragment or the form), under their RBAC.
 *
 * @example
 * ```ts
 * import { registerUiRoutes } from "@calicokit/server"
 * declare const app: import("@calicokit/server").ServerApp
 * registerUiRoutes(app)
 * // open http://127.0.0.1:8080/ui#run=mig-202611302105-ab12cd&token=...
 * ```
 */
export function registerUiRoutes(app: ServerApp): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/ui",
      tags: ["docs"],
      summary: "A page that follows a run live (#run=<id>&token=<token>)",
      responses: {
        200: { description: "HTML", content: { "text/html": { schema: z.string() } } },
        ...problemResponses([], false),
      },
    }),
    (c) =>
      c.html(uiPage(), 200, {
        "content-security-policy":
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self'",
        "referrer-policy": "no-referrer",
      }),
  );
}
