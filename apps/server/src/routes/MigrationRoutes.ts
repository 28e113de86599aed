import { createRoute, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { type Identity, migrationsResource } from "../ClusterAuth.js";
import { EventFeeds } from "../EventFeeds.js";
import { HttpProblem } from "../HttpProblem.js";
import { IdempotencyKeys } from "../IdempotencyKeys.js";
import { ShortCache } from "../internal/ShortCache.js";
import {
  approveMigration,
  cancelMigration,
  getMigration,
  listMigrations,
  type MigrationPlan,
  MigrationPlanSchema,
  type MigrationRecord,
  MigrationRequestSchema,
  parseMigrationPlan,
  parseMigrationRequest,
  planMigration,
} from "../internal/Workflows.js";
import { planPermissions } from "../PlanPermissions.js";
import { problemResponses } from "../ProblemSchema.js";
import { RunSupervisor, type RunSupervisorOptions } from "../RunSupervisor.js";
import type { ServerModule } from "../Server.js";
import type { ServerApp, ServerContext } from "../ServerContext.js";

const RunIdSchema = z
  .string()
  .regex(/^mig-[a-z0-9-]{6,50}$/, "a run id such as mig-202611302105-ab12cd")
  .openapi({ param: { name: "id", in: "path" } });
const RecordSchema = z
  .looseObject({
    id: z.string(),
    phase: z.enum([
      "Planned",
      "Applying",
      "Verifying",
      "AwaitingApproval",
      "Degraded",
      "Succeeded",
      "RollingBack",
      "RolledBack",
      "RollbackFailed",
    ]),
    plan: z.looseObject({ id: z.string() }),
    startedBy: z.string(),
    startedAt: z.string(),
    updatedAt: z.string(),
    steps: z.array(
      z.looseObject({
        id: z.string(),
        title: z.string(),
        state: z.enum(["pending", "running", "succeeded", "failed", "compensating", "compensated"]),
      }),
    ),
  })
  .openapi("MigrationRecord");
const PlanSchema = MigrationPlanSchema;
const RequestSchema = MigrationRequestSchema;
const StartSchema = z
  .union([z.strictObject({ request: RequestSchema }), z.strictObject({ plan: PlanSchema })])
  .openapi("MigrationStart", {
    description:
      "Either a request (the server plans it now) or a plan from POST /v1/plans (refused if the cluster changed since).",
  });
const AcceptedSchema = z.object({ id: z.string() }).openapi("MigrationAccepted");
const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
  .optional()
  .openapi({ param: { name: "idempotency-key", in: "header" }, description: "required" });
/** A record as the response schema types it (the schema is the looser, documented view). */
const recordJson = (record: MigrationRecord) => record as unknown as z.infer<typeof RecordSchema>;
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

/** Lets a request know the pieces it works with (built once per server). */
interface MigrationServices {
  readonly runs: RunSupervisor;
  readonly keys: IdempotencyKeys;
  readonly feeds: EventFeeds;
  readonly records: ShortCache<MigrationRecord>;
  readonly lists: ShortCache<MigrationRecord[]>;
}

/**
 * The migration routes and the background resumer as one server module: plans, runs with an
 * Idempotency-Key, run records, Server-Sent Events, approve, cancel and rollback.
 *
 * @example
 * ```ts
 * import { migrationModule, parseServerArgs, startServer } from "@calicokit/server"
 * const server = await startServer(parseServerArgs(["--listen", "127.0.0.1:0"]), { modules: [migrationModule()] })
 * ```
 */
export function migrationModule(options: RunSupervisorOptions = {}): ServerModule {
  let services: MigrationServices | undefined;
  const servicesFor = (context: ServerContext): MigrationServices => {
    services ??= {
      runs: new RunSupervisor(context, options),
      keys: new IdempotencyKeys(context.client, context.namespace),
      feeds: new EventFeeds(context),
      records: new ShortCache(250),
      lists: new ShortCache(250),
    };
    return services;
  };
  return {
    routes: (app, context) => registerMigrationRoutes(app, context, servicesFor(context)),
    start: (context) => servicesFor(context).runs.startResuming(),
  };
}

function registerMigrationRoutes(
  app: ServerApp,
  context: ServerContext,
  services: MigrationServices,
): void {
  const { client, auth, namespace } = context;
  const { runs, keys, feeds } = services;
  const may = (who: Identity, verb: string, name?: string) =>
    auth.require(who, { verb, ...migrationsResource, ...(name === undefined ? {} : { name }) });
  const record = (id: string) =>
    services.records.get(id, () => getMigration(client, id, { namespace }));

  /** 403 naming each missing permission of the plan's writes; nothing written. */
  const requirePlanRights = async (who: Identity, plan: MigrationPlan) => {
    const permissions = planPermissions(plan, client.api.group);
    const denials = await Promise.all(permissions.map((p) => auth.denial(who, p)));
    const missing = permissions.filter((_, i) => denials[i] !== null);
    if (missing.length === 0) return;
    const [first] = missing;
    const named = missing.map(
      (p) =>
        `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ""}${p.name ? ` "${p.name}"` : ""}`,
    );
    throw new HttpProblem(
      "forbidden",
      `user "${who.username}" may not make this plan's writes: missing ${named.join(", ")}`,
      {
        ...(first === undefined ? {} : { missing: first }),
        reasons: named.map((n) => `missing permission: ${n}`),
        hint: "the service makes a run's writes only for callers who may make them themselves: ask for these permissions",
      },
    );
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/plans",
      tags: ["migrations"],
      summary: "Plan a migration (no writes)",
      security: [{ bearer: [] }],
      request: { body: { required: true, content: json(RequestSchema) } },
      responses: {
        200: { description: "the plan", content: json(PlanSchema) },
        ...problemResponses(["plan-refused", "unsupported-media-type"]),
      },
    }),
    async (c) => {
      await may(c.var.identity, "create");
      const request = parseMigrationRequest(c.req.valid("json"));
      const plan = await planMigration(client, request, { namespace });
      return c.json(plan, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/migrations",
      tags: ["migrations"],
      summary: "Start a migration (Idempotency-Key required)",
      description:
        "The same key and body give the same run id; the same key with another body gives 422; while the first request with a key is still being handled, 409. Keys are per caller and stored in the cluster, so every replica honours them.",
      security: [{ bearer: [] }],
      request: {
        headers: z.object({ "idempotency-key": IdempotencyKeySchema }),
        body: { required: true, content: json(StartSchema) },
      },
      responses: {
        202: {
          description: "the run was started (or had been, for this key)",
          content: json(AcceptedSchema),
        },
        ...problemResponses([
          "plan-refused",
          "stale-plan",
          "lock-held",
          "idempotency-key-in-flight",
          "idempotency-key-reused",
          "idempotency-key-missing",
          "unsupported-media-type",
        ]),
      },
    }),
    async (c) => {
      const who = c.var.identity;
      const key = c.req.valid("header")["idempotency-key"];
      if (key === undefined) {
        throw new HttpProblem(
          "idempotency-key-missing",
          "POST /v1/migrations needs an Idempotency-Key header",
          {
            hint: "send a unique value (e.g. a UUID) per intended run, and the same one when retrying it",
          },
        );
      }
      await may(who, "create");
      const body = c.req.valid("json");
      const claim = await keys.claim(who.username, key, body);
      if (claim.state === "done") {
        c.header("idempotent-replayed", "true");
        return c.json({ id: claim.runId }, 202);
      }
      try {
        const plan =
          "plan" in body
            ? parseMigrationPlan(body.plan)
            : await planMigration(client, parseMigrationRequest(body.request), { namespace });
        await requirePlanRights(who, plan);
        const id = await runs.start(plan, who.username);
        await keys.complete(claim.key, id);
        return c.json({ id }, 202);
      } catch (error) {
        await keys.release(claim.key).catch(() => undefined);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/migrations",
      tags: ["migrations"],
      summary: "List runs",
      security: [{ bearer: [] }],
      request: { query: z.strictObject({}) },
      responses: {
        200: { description: "the runs", content: json(z.object({ items: z.array(RecordSchema) })) },
        ...problemResponses(),
      },
    }),
    async (c) => {
      await may(c.var.identity, "list");
      const items = await services.lists.get("all", () => listMigrations(client, { namespace }));
      return c.json({ items: items.map(recordJson) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/migrations/{id}",
      tags: ["migrations"],
      summary: "One run: phase, steps, sessions",
      security: [{ bearer: [] }],
      request: { params: z.strictObject({ id: RunIdSchema }), query: z.strictObject({}) },
      responses: {
        200: { description: "the run", content: json(RecordSchema) },
        ...problemResponses(["not-found"]),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await may(c.var.identity, "get", id);
      return c.json(recordJson(await record(id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/migrations/{id}/events",
      tags: ["migrations"],
      summary: "The run's events as Server-Sent Events (resumable with Last-Event-ID)",
      description:
        "Each event's `id` is its sequence number and `data` the event as JSON. The stream replays the history after Last-Event-ID (all of it without), follows the run live, and ends with an `end` event at a terminal phase.",
      security: [{ bearer: [] }],
      request: {
        params: z.strictObject({ id: RunIdSchema }),
        query: z.strictObject({}),
        headers: z.object({
          "last-event-id": z
            .string()
            .regex(/^\d{1,9}$/, "an event sequence number")
            .optional()
            .openapi({ param: { name: "last-event-id", in: "header" } }),
        }),
      },
      responses: {
        200: {
          description: "the event stream",
          content: { "text/event-stream": { schema: z.string() } },
        },
        ...problemResponses(["not-found"]),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await may(c.var.identity, "get", id);
      await record(id); // 404 as a problem before the stream starts
      const after = Number(c.req.valid("header")["last-event-id"] ?? 0);
      const signal = AbortSignal.any([c.req.raw.signal, context.shutdown]);
      return streamSSE(c, async (stream) => {
        const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n"), 15_000);
        try {
          for await (const event of feeds.follow(id, after, signal)) {
            await stream.writeSSE({
              id: String(event.seq),
              event: event.type,
              data: JSON.stringify(event),
            });
          }
          if (!signal.aborted)
            await stream.writeSSE({ event: "end", data: JSON.stringify({ id }) });
        } finally {
          clearInterval(keepAlive);
        }
      });
    },
  );

  const action = <Path extends string>(path: Path, summary: string) =>
    createRoute({
      method: "post",
      path,
      tags: ["migrations"],
      summary,
      security: [{ bearer: [] }],
      request: { params: z.strictObject({ id: RunIdSchema }), query: z.strictObject({}) },
      responses: {
        200: { description: "the run", content: json(RecordSchema) },
        ...problemResponses(["not-found", "lock-held", "conflict"]),
      },
    });

  app.openapi(
    action("/v1/migrations/{id}/approve", "Approve a run waiting at its gate"),
    async (c) => {
      const { id } = c.req.valid("param");
      await may(c.var.identity, "update", id);
      const updated = await approveMigration(client, id, {
        by: c.var.identity.username,
        namespace,
      });
      services.records.forget(id);
      return c.json(recordJson(updated), 200);
    },
  );

  app.openapi(action("/v1/migrations/{id}/cancel", "Cancel a run (it rolls back)"), async (c) => {
    const { id } = c.req.valid("param");
    await may(c.var.identity, "update", id);
    const updated = await cancelMigration(client, id, { by: c.var.identity.username, namespace });
    services.records.forget(id);
    return c.json(recordJson(updated), 200);
  });

  app.openapi(
    createRoute({
      method: "post",
      path: "/v1/migrations/{id}/rollback",
      tags: ["migrations"],
      summary: "Roll a run back (runs here; follow it on /events)",
      security: [{ bearer: [] }],
      request: { params: z.strictObject({ id: RunIdSchema }), query: z.strictObject({}) },
      responses: {
        202: { description: "the rollback is under way", content: json(AcceptedSchema) },
        ...problemResponses(["not-found", "lock-held", "conflict"]),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const who = c.var.identity;
      await may(who, "update", id);
      await requirePlanRights(who, (await getMigration(client, id, { namespace })).plan);
      await runs.rollback(id, who.username);
      services.records.forget(id);
      return c.json({ id }, 202);
    },
  );
}
