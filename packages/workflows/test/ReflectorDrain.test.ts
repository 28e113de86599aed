import { birdRouteReplaceMs } from "@calicokit/lab";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { planMigration, runMigration } from "../src/index.js";
import {
  type MigrationLab,
  placePod,
  podAffecting,
  startMigrationLab,
} from "./support/MigrationLab.js";

describe("an opt-in drain of the chosen reflectors (4 nodes, 2 zones, real BIRD)", () => {
  let env: MigrationLab;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-drain-${process.pid % 1000}`, { nodes: 4, zones: 2 });
    for (const node of ["node-1", "node-2", "node-3"]) await placePod(env.lab, node, `api-${node}`);
  });

  afterAll(async () => {
    await env?.close();
  });

  test("without a drain the plan names the pods that would feel the gap; with it they are evicted first and the nodes uncordoned at the end", async () => {
    const request = { to: "route-reflectors", rrNodes: ["node-1", "node-2"] } as const;
    const warned = await planMigration(env.client, request);
    expect(warned.expectedGaps.map((g) => [g.node, g.pods])).toEqual([
      ["node-1", ["default/api-node-1"]],
      ["node-2", ["default/api-node-2"]],
    ]);

    const plan = await planMigration(env.client, { ...request, drainReflectors: true });
    expect(plan.expectedGaps).toEqual([]);
    await env.lab.sampleRoutes();
    const t0 = new Date();
    const record = await runMigration(env.client, plan, { startedBy: "test" });
    expect(record.phase).toBe("Succeeded");

    const pods = await env.client.pods.list();
    expect(pods.map((p) => `${p.node}/${p.name}`)).toEqual(["node-3/api-node-3"]);
    for (const name of ["node-1", "node-2"]) {
      const node = await env.client.nodes.get(name);
      expect(node.kubernetes.spec?.unschedulable ?? false).toBe(false);
    }
    await env.lab.sampleRoutes();
    const gaps = env.lab.routeGaps({ since: t0, atLeastMs: birdRouteReplaceMs });
    expect(podAffecting(gaps, new Set(pods.map((p) => p.node)))).toEqual([]);
  });
});
