import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpProblem } from "./HttpProblem.js";
import { toHttpProblem } from "./ProblemMapping.js";
import { registerDocsRoutes } from "./routes/DocsRoutes.js";
import { registerHealthRoutes } from "./routes/HealthRoutes.js";
import { registerResourceRoutes } from "./routes/ResourceRoutes.js";
import { registerUiRoutes } from "./routes/UiRoutes.js";
import type { ServerApp, ServerContext, ServerEnv } from "./ServerContext.js";

/** Limits of one request. */
export interface AppLimits {
  readonly bodyLimitBytes: number;
  readonly requestTimeoutMs: number;
}

/** Route modules beyond the built-in ones (health, docs, read-only resources). */
export type RouteModule = (app: ServerApp, context: ServerContext) => void;

/**
 * The service's Hono app: middleware (request id, access log, metrics, body limit, timeout,
 * authentication on `/v1`), every route, problem+json errors and the OpenAPI 3.1 document.
 *
 * @example
 * ```ts
 * import { createApp } from "@calicokit/server"
 * declare const context: import("@calicokit/server").ServerContext
 * const app = createApp(context, { bodyLimitBytes: 65_536, requestTimeoutMs: 60_000 })
 * const res = await app.request("/healthz")
 * ```
 */
export function createApp(
  context: ServerContext,
  limits: AppLimits,
  modules: readonly RouteModule[] = [],
): ServerApp {
  const app: ServerApp = new OpenAPIHono<ServerEnv>({
    strict: true,
    defaultHook: (result) => {
      if (!result.success) {
        throw new HttpProblem("invalid-request", `the ${result.target} is not valid`, {
          reasons: result.error.issues.map(describeIssue),
          hint: "fix the fields named (see /openapi.json) and send it again",
        });
      }
    },
  });

  app.use("*", accessLog(context));
  app.use("*", async (c, next) => {
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("cache-control", "no-store");
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: limits.bodyLimitBytes,
      onError: () => {
        throw new HttpProblem(
          "payload-too-large",
          `the body is larger than ${limits.bodyLimitBytes} bytes`,
        );
      },
    }),
  );
  app.use("*", deadline(limits.requestTimeoutMs));
  app.use("/v1/*", jsonBodies());
  app.use("/v1/*", async (c, next) => {
    c.set("identity", await context.auth.authenticate(c.req.header("authorization")));
    await next();
  });

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A Kubernetes token (checked with TokenReview)",
  });
  registerHealthRoutes(app, context);
  registerResourceRoutes(app, context);
  for (const register of modules) register(app, context);
  registerUiRoutes(app);
  registerDocsRoutes(app);

  app.notFound((c) =>
    new HttpProblem("not-found", `no route ${c.req.method} ${c.req.path}`, {
      hint: "see /openapi.json for the routes",
    }).toResponse(),
  );
  app.onError((error, c) => {
    const problem = toHttpProblem(error);
    if (problem.status >= 500) {
      context.logger.error("request failed", {
        requestId: c.get("requestId"),
        problem: problem._tag,
        error: error.cause ?? error,
      });
    }
    return problem.toResponse();
  });
  return app;
}

function describeIssue(issue: {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}): string {
  const path = issue.path.map(String).join(".") || "(body)";
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return `${issue.keys.join(", ")}: unknown field; remove it`;
  }
  return `${path}: ${issue.message}`;
}

/** One JSON log line per request (no headers: they carry tokens) and the latency histogram. */
function accessLog(context: ServerContext): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const requestId = randomUUID();
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || "unmatched";
    context.metrics.observeHttp(c.req.method, route, c.res.status, seconds);
    context.logger.info("request", {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(seconds * 1000),
      user: c.var.identity?.username,
    });
  };
}

/** A 504 for a request that outlives its budget; event streams are long-lived by design. */
function deadline(ms: number): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    if (c.req.path.endsWith("/events")) return next();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HttpProblem("timeout", `the request took longer than ${ms} ms`)),
        ms,
      );
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Bodies of `/v1` writes are JSON; anything else is refused before parsing. */
function jsonBodies(): MiddlewareHandler<ServerEnv> {
  return async (c, next) => {
    const hasBody =
      c.req.header("content-length") !== undefined && c.req.header("content-length") !== "0";
    const type = c.req.header("content-type") ?? "";
    if (
      (hasBody || c.req.header("transfer-encoding") !== undefined) &&
      !/^application\/json\s*(;|$)/i.test(type)
    ) {
      throw new HttpProblem("unsupported-media-type", `content-type "${type}" is not JSON`, {
        hint: "send the body as application/json",
      });
    }
    await next();
  };
}
