import type { CalicoClient, ResourceClient } from "@calicokit/client";
import { createRoute, z } from "@hono/zod-openapi";
import { problemResponses } from "../ProblemSchema.js";
import type { ServerApp, ServerContext } from "../ServerContext.js";

/** The kinds `/v1/resources/{kind}` serves, by their plural (as RBAC and kubectl name them). */
export const readableKinds = [
  "bgpconfigurations",
  "bgppeers",
  "bgpfilters",
  "ippools",
  "blockaffinities",
  "clusterinformations",
  "caliconodestatuses",
  "nodes",
] as const;
export type ReadableKind = (typeof readableKinds)[number];

const KindSchema = z.enum(readableKinds).openapi({
  param: { name: "kind", in: "path" },
  description: "a Calico kind's plural, or `nodes` (the Calico view of Nodes)",
});
const NameSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "a Kubernetes object name")
  .openapi({ param: { name: "name", in: "path" } });
const ObjectSchema = z
  .looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.looseObject({ name: z.string() }),
  })
  .openapi("CalicoObject");
const NodeStatusSchema = z
  .union([
    z.object({
      node: z.string(),
      ok: z.literal(true),
      established: z.int(),
      notEstablished: z.int(),
      peers: z.array(
        z.object({
          family: z.enum(["v4", "v6"]),
          peerIP: z.string(),
          type: z.string(),
          state: z.string(),
          since: z.string(),
        }),
      ),
      lastUpdated: z.string().nullable(),
    }),
    z.object({
      node: z.string(),
      ok: z.literal(false),
      error: z.object({ tag: z.string(), message: z.string() }),
    }),
  ])
  .openapi("NodeBgpStatus");

/**
 * Read-only routes: `GET /v1/resources/{kind}[/{name}]` and `GET /v1/bgp/status`. The caller's
 * own RBAC decides (SubjectAccessReview for the same verb on the same resource), so the service
 * never shows what `kubectl` would not show them.
 *
 * @example
 * ```ts
 * import { registerResourceRoutes } from "@calicokit/server"
 * declare const app: import("@calicokit/server").ServerApp
 * declare const context: import("@calicokit/server").ServerContext
 * registerResourceRoutes(app, context)
 * ```
 */
export function registerResourceRoutes(app: ServerApp, context: ServerContext): void {
  const { client, auth } = context;
  const groupOf = (kind: ReadableKind) => (kind === "nodes" ? "" : client.api.group);

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/resources/{kind}",
      tags: ["resources"],
      summary: "List the objects of one kind",
      security: [{ bearer: [] }],
      request: { params: z.strictObject({ kind: KindSchema }), query: z.strictObject({}) },
      responses: {
        200: {
          description: "the objects",
          content: {
            "application/json": { schema: z.object({ items: z.array(ObjectSchema) }) },
          },
        },
        ...problemResponses(),
      },
    }),
    async (c) => {
      const { kind } = c.req.valid("param");
      await auth.require(c.var.identity, { verb: "list", group: groupOf(kind), resource: kind });
      const signal = c.req.raw.signal;
      const items =
        kind === "nodes"
          ? await listNodes(client, signal)
          : (await clientFor(client, kind).listAll({ signal })).items;
      return c.json({ items: items as z.infer<typeof ObjectSchema>[] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/resources/{kind}/{name}",
      tags: ["resources"],
      summary: "Read one object",
      security: [{ bearer: [] }],
      request: {
        params: z.strictObject({ kind: KindSchema, name: NameSchema }),
        query: z.strictObject({}),
      },
      responses: {
        200: {
          description: "the object",
          content: { "application/json": { schema: ObjectSchema } },
        },
        ...problemResponses(["not-found"]),
      },
    }),
    async (c) => {
      const { kind, name } = c.req.valid("param");
      await auth.require(c.var.identity, {
        verb: "get",
        group: groupOf(kind),
        resource: kind,
        name,
      });
      const signal = c.req.raw.signal;
      const object =
        kind === "nodes"
          ? (await client.nodes.get(name, { signal })).node
          : await clientFor(client, kind).get(name, { signal });
      return c.json(object as z.infer<typeof ObjectSchema>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/v1/bgp/status",
      tags: ["bgp"],
      summary: "Each node's BGP sessions, as its calico-node reports them",
      description:
        "Asks calico-node through temporary CalicoNodeStatus objects (created and deleted by the service), so the caller needs `create` on caliconodestatuses.",
      security: [{ bearer: [] }],
      request: {
        query: z.strictObject({
          nodes: z
            .string()
            .regex(/^[a-z0-9.-]+(,[a-z0-9.-]+)*$/, "comma-separated node names")
            .optional()
            .openapi({ description: "comma-separated node names; default every node" }),
          timeoutSeconds: z.coerce
            .number()
            .int()
            .min(1)
            .max(120)
            .optional()
            .openapi({ description: "how long to wait for calico-node (default 30)" }),
        }),
      },
      responses: {
        200: {
          description: "one entry per node",
          content: {
            "application/json": { schema: z.object({ nodes: z.array(NodeStatusSchema) }) },
          },
        },
        ...problemResponses(),
      },
    }),
    async (c) => {
      const query = c.req.valid("query");
      const who = c.var.identity;
      await auth.require(who, {
        verb: "create",
        group: client.api.group,
        resource: "caliconodestatuses",
      });
      const signal = c.req.raw.signal;
      let nodes = query.nodes?.split(",");
      if (nodes === undefined) {
        await auth.require(who, { verb: "list", group: "", resource: "nodes" });
        nodes = (await listNodes(client, signal)).map((n) => n.metadata.name);
      }
      const statuses = await client.bgpStatus(nodes, {
        timeoutMs: (query.timeoutSeconds ?? 30) * 1000,
        signal,
      });
      return c.json(
        {
          nodes: statuses.map((s) =>
            s.ok
              ? {
                  node: s.node,
                  ok: true as const,
                  established: s.established,
                  notEstablished: s.notEstablished,
                  peers: [...s.peers],
                  lastUpdated: s.lastUpdated ?? null,
                }
              : {
                  node: s.node,
                  ok: false as const,
                  error: { tag: s.error._tag, message: s.error.message },
                },
          ),
        },
        200,
      );
    },
  );
}

function clientFor(
  client: CalicoClient,
  kind: Exclude<ReadableKind, "nodes">,
): ResourceClient<z.infer<typeof ObjectSchema>> {
  const byKind = {
    bgpconfigurations: client.bgpConfigurations,
    bgppeers: client.bgpPeers,
    bgpfilters: client.bgpFilters,
    ippools: client.ipPools,
    blockaffinities: client.blockAffinities,
    clusterinformations: client.clusterInformations,
    caliconodestatuses: client.calicoNodeStatuses,
  } as const;
  return byKind[kind] as unknown as ResourceClient<z.infer<typeof ObjectSchema>>;
}

async function listNodes(client: CalicoClient, signal: AbortSignal) {
  const nodes = [];
  for await (const view of client.nodes.list({ signal })) nodes.push(view.node);
  return nodes;
}
