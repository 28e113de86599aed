import { birdRouteReplaceMs } from "@calicokit/lab";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  getMigration,
  type MigrationEvent,
  planMigration,
  runMigration,
  WorkflowError,
} from "../src/index.js";
import {
  birdcBgp,
  fullMesh,
  type MigrationLab,
  placePod,
  podAffecting,
  startMigrationLab,
  waitUntil,
} from "./support/MigrationLab.js";

describe("mesh -> route reflectors -> mesh on a 6-node, 3-zone lab (real BIRD)", () => {
  let env: MigrationLab;
  const podNodes = new Set(["node-1", "node-2", "node-3"]);

  beforeAll(async () => {
    env = await startMigrationLab(`wf-rr-${process.pid % 1000}`, { nodes: 6, zones: 3 });
    for (const node of podNodes) await placePod(env.lab, node, `web-${node}`);
  });

  afterAll(async () => {
    await env?.close();
  });

  test("the planner picks workload-free reflectors in three zones; the run verifies from BIRD and loses no pod route", async () => {
    const plan = await planMigration(env.client, { to: "route-reflectors", rrCount: 3 });
    expect(plan.from).toBe("mesh");
    expect(plan.routeReflectors.map((r) => [r.name, r.zone])).toEqual([
      ["node-4", "zone-a"],
      ["node-5", "zone-b"],
      ["node-6", "zone-c"],
    ]);
    expect(plan.expectedGaps).toEqual([]);
    expect(plan.steps.map((s) => s.id)).toEqual([
      // the lab has BGPConfiguration default (its AS), so there is nothing to ensure
      "create-peers",
      "mark-route-reflectors",
      "verify-sessions",
      "disable-mesh",
      "verify-mesh-off",
    ]);

    await env.lab.sampleRoutes();
    const t0 = new Date();
    const events: MigrationEvent[] = [];
    const record = await runMigration(env.client, plan, {
      startedBy: "test",
      onEvent: (e) => events.push(e),
    });
    expect(record.phase).toBe("Succeeded");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe("succeeded");

    // the data plane, read with birdc: no mesh, and every client has at least two reflectors
    // (the promise the verification made before the mesh went off)
    const rrs = env.nodes.filter((n) => ["node-4", "node-5", "node-6"].includes(n.name));
    const rrProtocols = new Set(rrs.map((rr) => `Node_${rr.ipv4.replaceAll(".", "_")}`));
    for (const node of env.nodes) {
      const rows = birdcBgp(node);
      expect(rows.some((r) => r.name.startsWith("Mesh_"))).toBe(false);
      if (!rrs.includes(node)) {
        const up = rows.filter((r) => r.established && rrProtocols.has(r.name));
        expect(up.length, JSON.stringify(rows)).toBeGreaterThanOrEqual(2);
      }
    }
    // (a third session may take a minute longer: BIRD waits out its error-wait time after the
    // reflector restarted the session to make it an `rr client`; two carry every route already)
    await env.lab.sampleRoutes();
    const gaps = env.lab.routeGaps({ since: t0, atLeastMs: birdRouteReplaceMs });
    const rrNames = new Set(rrs.map((n) => n.name));
    expect(gaps.filter((g) => !rrNames.has(g.node) && !rrNames.has(g.owner))).toEqual([]);
    expect(podAffecting(gaps, podNodes)).toEqual([]);

    // the temporary CalicoNodeStatus objects of the verifications are gone with the run (R11)
    const leftovers = await env.client.calicoNodeStatuses.listAll({
      labelSelector: "calicokit.io/purpose=bgp-status",
    });
    expect(leftovers.items.map((s) => s.metadata.name)).toEqual([]);

    // the journal in the cluster tells the same story
    const stored = await getMigration(env.client, plan.id);
    expect(stored.steps.every((s) => s.state === "succeeded")).toBe(true);
    expect(stored.startedBy).toBe("test");

    // a second plan at the target has nothing to do, and running it writes nothing
    const again = await planMigration(env.client, { to: "route-reflectors", rrCount: 3 });
    expect(again.from).toBe("route-reflectors");
    expect(again.nothingToDo).toBe(true);
    expect(again.changes).toEqual([]);
    const noop = await runMigration(env.client, again);
    expect(noop.phase).toBe("Succeeded");
    // no journal was written for it (nor a Lease: a no-op run is read-only)
    const missing = await getMigration(env.client, again.id).catch((e: unknown) => e);
    expect((missing as WorkflowError)._tag).toBe("NotFound");
  });

  test("a stale plan is refused before any write", async () => {
    const plan = await planMigration(env.client, { to: "mesh" });
    await env.client.nodes.clearRouteReflector("node-6", { labelKey: "route-reflector" });
    const error = await runMigration(env.client, plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError)._tag).toBe("StalePlan");
    expect((error as WorkflowError).reasons.join("\n")).toContain("Node node-6");
    await env.client.nodes.setRouteReflector("node-6", {
      clusterId: "244.0.0.1",
      label: { key: "route-reflector", value: "true" },
    });
  });

  test("the way back restores the full mesh and removes only calicokit's objects", async () => {
    const plan = await planMigration(env.client, { to: "mesh" });
    expect(plan.steps.map((s) => s.id)).toEqual([
      "enable-mesh",
      "verify-mesh-on",
      "unmark-route-reflectors",
      "verify-final",
      "delete-peers",
    ]);
    const record = await runMigration(env.client, plan, { startedBy: "test" });
    expect(record.phase).toBe("Succeeded");
    await waitUntil("full mesh", 30_000, () => fullMesh(env.nodes));
    const peers = await env.client.bgpPeers.listAll();
    expect(peers.items).toEqual([]);
  });
});
