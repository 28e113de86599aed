import { runDocumentedProcedure } from "@calicokit/lab";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { planMigration, runMigration } from "../../src/index.js";
import { type MigrationLab, startMigrationLab, waitUntil } from "../support/MigrationLab.js";

// A cluster moved to route reflectors by hand the way Calico's own e2e test leaves it: clients
// peer with the reflectors, the reflectors not with each other (no reflector-to-reflector
// BGPPeer). calicokit changes its reflector set and takes it back to the mesh, verifying the
// sessions that topology has: waiting for reflector-to-reflector sessions no BGPPeer asks for
// would time out, roll back, and then fail the rollback's own check.

let env: MigrationLab;

beforeAll(async () => {
  env = await startMigrationLab("handmade", { nodes: 5, zones: 3 });
  // BIRD retries a refused connection only after its error wait: an operator waits for it too
  await runDocumentedProcedure(
    env.lab,
    { routeReflectors: ["node-1", "node-2"], clusterId: "244.0.0.1" },
    { sessionTimeoutMs: 180_000 },
  );
  await env.client.bgpPeers.delete("route-reflector-mesh");
  // Barrier: node-1's BIRD has dropped its session with node-2 and serves the three clients only.
  await waitUntil("node-1 without a reflector session", 30_000, async () => {
    const sessions = await env.lab.bgpSessions("node-1");
    return sessions.filter((s) => s.kind === "Node").length === 3;
  });
}, 300_000);

afterAll(() => env?.close());

describe("a hand-made cluster whose reflectors do not peer with each other", () => {
  test("the reflector set is replaced, then the cluster goes back to the mesh", async () => {
    const replace = await planMigration(env.client, {
      to: "reflector-set",
      rrNodes: ["node-2", "node-3"],
    });
    expect(replace).toMatchObject({ reflectorsPeer: false, previousReflectorsPeer: false });
    const replaced = await runMigration(env.client, replace, {
      startedBy: "test",
      verifyTimeoutMs: 60_000,
    });
    expect(replaced.phase).toBe("Succeeded");
    const sessions = await env.lab.bgpSessions("node-3");
    expect(sessions.filter((s) => s.kind === "Node" && s.established)).toHaveLength(3);

    const back = await runMigration(env.client, await planMigration(env.client, { to: "mesh" }), {
      startedBy: "test",
      verifyTimeoutMs: 60_000,
    });
    expect(back.phase).toBe("Succeeded");
    // the hand-made peer is not calicokit's: it stays
    expect((await env.client.bgpPeers.listAll()).items.map((p) => p.metadata.name)).toEqual([
      "peer-with-route-reflectors",
    ]);
  }, 240_000);
});
