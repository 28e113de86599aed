import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { birdRouteReplaceMs, type RouteGap, runDocumentedProcedure } from "@calicokit/lab";
import { type FaultProxy, KubeHttp, startFaultProxy } from "@calicokit/testkit";
import { planMigration, runMigration } from "../../src/index.js";
import {
  connectThroughProxy,
  proxyKubeconfig,
  writesIn,
} from "../scenarios/support/ProxiedClient.js";
import {
  type MigrationLab,
  placePod,
  podAffecting,
  startMigrationLab,
  waitUntil,
} from "../support/MigrationLab.js";

// Acceptance bullet 1 of issue 10: Calico's documented procedure and the workflow, each on a
// fresh 6-node, 3-zone lab (real BIRD) with pods on some nodes and the same route reflectors,
// every API request of the migration going through testkit's fault proxy so its log counts the
// writes. Shared by the comparison test (which asserts) and bench/ (which prints the table).

/** The lab both orders run on. */
export const comparisonLab = { nodes: 6, zones: 3, rrCount: 3 } as const;
/** Nodes that run a workload pod (the planner then prefers the others as reflectors). */
export const podNodes: ReadonlySet<string> = new Set(["node-1", "node-2", "node-3"]);

/** One order's figures. */
export interface ComparisonRow {
  readonly order: "documented procedure" | "calicokit workflow";
  readonly routeReflectors: readonly string[];
  readonly clientClientGaps: number;
  /** Gaps where a reflector is the node that lost the route, or owns the lost block. */
  readonly reflectorGaps: number;
  readonly podAffectingGaps: number;
  readonly longestGapMs: number;
  readonly totalMs: number;
  /** Every non-GET request of the migration (the workflow's journal and Lease writes included). */
  readonly apiWrites: number;
  /** Of those, writes to Nodes, BGPPeers and BGPConfigurations: the topology change itself. */
  readonly topologyWrites: number;
  readonly gaps: readonly RouteGap[];
}

async function withLab<T>(
  name: string,
  run: (env: MigrationLab, proxy: FaultProxy) => Promise<T>,
): Promise<T> {
  const env = await startMigrationLab(name, comparisonLab);
  const proxy = await startFaultProxy({
    target: env.lab.controlPlane.url,
    caData: env.lab.controlPlane.caData,
    // the documented side's kubectl sends no credentials over plain HTTP
    bearerToken: env.lab.controlPlane.admin.token,
  });
  try {
    for (const node of podNodes) await placePod(env.lab, node, `web-${node}`);
    return await run(env, proxy);
  } finally {
    await proxy.stop();
    await env.close();
  }
}

const topologyPath = /\/(nodes|bgppeers|bgpconfigurations)(\/|\?|$)/;

/**
 * The route gaps since `since`, once every gap has closed again (sampled until then), split as
 * the table counts them.
 */
async function measure(
  env: MigrationLab,
  proxy: FaultProxy,
  input: {
    readonly order: ComparisonRow["order"];
    readonly routeReflectors: readonly string[];
    readonly since: Date;
    readonly totalMs: number;
    readonly requestsBefore: number;
  },
): Promise<ComparisonRow> {
  const gapsNow = () => env.lab.routeGaps({ since: input.since, atLeastMs: birdRouteReplaceMs });
  await waitUntil(
    "every route gap closed again",
    60_000,
    async () => {
      await env.lab.sampleRoutes();
      return gapsNow().every((g) => g.end !== undefined);
    },
    () => JSON.stringify(gapsNow().filter((g) => g.end === undefined)),
  );
  const gaps = gapsNow();
  const rrs = new Set(input.routeReflectors);
  const writes = writesIn(proxy.requests.slice(input.requestsBefore));
  return {
    order: input.order,
    routeReflectors: input.routeReflectors,
    clientClientGaps: gaps.filter((g) => !rrs.has(g.node) && !rrs.has(g.owner)).length,
    reflectorGaps: gaps.filter((g) => rrs.has(g.node) || rrs.has(g.owner)).length,
    podAffectingGaps: podAffecting(gaps, podNodes).length,
    longestGapMs: Math.max(0, ...gaps.map((g) => g.durationMs ?? 0)),
    totalMs: input.totalMs,
    apiWrites: writes.length,
    topologyWrites: writes.filter((w) => topologyPath.test(w.path)).length,
    gaps,
  };
}

/**
 * Calico's documented order (cluster ID and label per RR, BGPPeers, wait for sessions, mesh off),
 * run as its kubectl commands as an operator's script runs them, with the reflectors the
 * workflow's planner picks on the same lab (read-only planning).
 */
export function runDocumentedSide(name: string): Promise<ComparisonRow> {
  return withLab(name, async (env, proxy) => {
    const plan = await planMigration(env.client, {
      to: "route-reflectors",
      rrCount: comparisonLab.rrCount,
    });
    const routeReflectors = plan.routeReflectors.map((r) => r.name);
    const token = env.lab.controlPlane.admin.token;
    const http = new KubeHttp({ url: proxy.url, token });
    // the operator's commands go through the proxy too, so its log counts their writes
    const dir = mkdtempSync(join(tmpdir(), "calicokit-documented-"));
    const kubeconfigPath = join(dir, "kubeconfig");
    writeFileSync(kubeconfigPath, proxyKubeconfig(proxy, token), { mode: 0o600 });
    try {
      await env.lab.sampleRoutes();
      const since = new Date();
      const requestsBefore = proxy.requests.length;
      const started = performance.now();
      // BIRD retries a refused connection only after its error wait (up to minutes): an
      // operator waits for it, so the procedure's step 3 may too
      await runDocumentedProcedure(
        env.lab,
        { routeReflectors, clusterId: "244.0.0.1" },
        { http, kubectl: { kubeconfigPath }, sessionTimeoutMs: 300_000 },
      );
      const totalMs = Math.round(performance.now() - started);
      return await measure(env, proxy, {
        order: "documented procedure",
        routeReflectors,
        since,
        totalMs,
        requestsBefore,
      });
    } finally {
      http.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The workflow: plan and run `{ to: "route-reflectors", rrCount: 3 }` through the proxy. */
export function runWorkflowSide(name: string): Promise<ComparisonRow> {
  return withLab(name, async (env, proxy) => {
    const client = await connectThroughProxy(proxy, env.lab.controlPlane.admin.token);
    try {
      await env.lab.sampleRoutes();
      const since = new Date();
      const requestsBefore = proxy.requests.length;
      const started = performance.now();
      const plan = await planMigration(client, {
        to: "route-reflectors",
        rrCount: comparisonLab.rrCount,
      });
      const record = await runMigration(client, plan, { startedBy: "side-by-side" });
      const totalMs = Math.round(performance.now() - started);
      if (record.phase !== "Succeeded") throw new Error(`the workflow ended ${record.phase}`);
      return await measure(env, proxy, {
        order: "calicokit workflow",
        routeReflectors: plan.routeReflectors.map((r) => r.name),
        since,
        totalMs,
        requestsBefore,
      });
    } finally {
      client.close();
    }
  });
}

/** The table as printed and as docs/migrations.md shows it. */
export function comparisonTable(rows: readonly ComparisonRow[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [
    line([
      "order",
      "route reflectors",
      "client-client gaps",
      "gaps involving an RR",
      "pod-affecting gaps",
      "longest gap",
      "total time",
      "API writes (topology)",
    ]),
    line(Array.from({ length: 8 }, () => "---")),
    ...rows.map((r) =>
      line([
        r.order,
        r.routeReflectors.join(", "),
        r.clientClientGaps,
        r.reflectorGaps,
        r.podAffectingGaps,
        `${(r.longestGapMs / 1000).toFixed(1)} s`,
        `${(r.totalMs / 1000).toFixed(1)} s`,
        `${r.apiWrites} (${r.topologyWrites})`,
      ]),
    ),
  ].join("\n");
}
