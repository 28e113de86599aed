import { CalicoClient } from "@calicokit/client";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  approveMigration,
  cancelMigration,
  getMigration,
  type MigrationEvent,
  planMigration,
} from "../../src/index.js";
import {
  birdcBgp,
  fullMesh,
  type MigrationLab,
  startMigrationLab,
  waitUntil,
} from "../support/MigrationLab.js";
import {
  eventTrail,
  failureOf,
  meshConfigVersion,
  type RunProbe,
  returnToMesh,
  startRun,
  stepStates,
} from "./support/RunProbe.js";

// The approval gate before the mesh switch (R9) and what may happen while a run waits there:
// a cancel from another process, a node joining (scenario 10), a reflector going NotReady
// (scenario 11). Whatever happens, the mesh is switched off only after the live node set was
// verified, or never.

const reflectors = ["node-4", "node-5", "node-6"];
const gatedRequest = {
  to: "route-reflectors",
  rrNodes: reflectors,
  requireApproval: true,
} as const;

function progressOf(events: readonly MigrationEvent[], step: string) {
  return events.filter(
    (e): e is Extract<MigrationEvent, { type: "step-progress" }> =>
      e.type === "step-progress" && e.step === step,
  );
}

describe("the approval gate holds the mesh switch, and the switch is verified against the live cluster", () => {
  let env: MigrationLab;
  // approvals and cancels come from another process: another client, another connection
  let operator: CalicoClient;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-gate-${process.pid % 1000}`, { nodes: 6, zones: 3 });
    operator = await CalicoClient.connect({ kubeconfigPath: env.lab.status().kubeconfig });
  });

  afterEach(async () => {
    await returnToMesh(env.client);
  }, 60_000);

  afterAll(async () => {
    operator?.close();
    await env?.close();
  });

  async function atTheGate(): Promise<{ run: RunProbe; id: string; meshVersion?: string }> {
    const plan = await planMigration(env.client, gatedRequest);
    expect(plan.steps.map((s) => s.id)).toEqual([
      "create-peers",
      "mark-route-reflectors",
      "verify-sessions",
      "approval",
      "disable-mesh",
      "verify-mesh-off",
    ]);
    const meshVersion = await meshConfigVersion(env.client);
    const run = startRun(env.client, plan, { startedBy: "test", verifyTimeoutMs: 60_000 });
    await run.reached((e) => e.type === "awaiting-approval");
    const waiting = await getMigration(operator, plan.id);
    expect(waiting.phase).toBe("AwaitingApproval");
    expect(stepStates(waiting)).toMatchObject({
      "verify-sessions": "succeeded",
      approval: "running",
      "disable-mesh": "pending",
    });
    expect(await meshConfigVersion(env.client)).toBe(meshVersion);
    return { run, id: plan.id, ...(meshVersion === undefined ? {} : { meshVersion }) };
  }

  /** The mesh was never switched, calicokit's objects are gone and BIRD is back on the full mesh. */
  async function expectUndone(meshVersion: string | undefined) {
    expect(await meshConfigVersion(env.client)).toBe(meshVersion);
    expect((await env.client.bgpPeers.listAll()).items).toEqual([]);
    for (const name of reflectors) {
      const { node } = await env.client.nodes.get(name);
      expect(node.spec.bgp?.routeReflectorClusterID, name).toBeUndefined();
      expect(node.metadata.labels?.["route-reflector"], name).toBeUndefined();
    }
    // the rollback's own verification saw the full mesh on a sample of nodes; birdc agrees on all
    await waitUntil("full mesh", 30_000, () => fullMesh(env.lab.status().nodes));
  }

  test("a cancel from another process while the run waits for approval rolls it back", async () => {
    const { run, id, meshVersion } = await atTheGate();
    await cancelMigration(operator, id, { by: "bob" });
    const failure = await failureOf(run);
    expect(failure._tag).toBe("Cancelled");
    expect(failure.message).toContain("cancelled by bob");

    const record = await getMigration(operator, id);
    expect(record.phase).toBe("RolledBack");
    expect(record.cancelRequestedBy).toBe("bob");
    expect(record.approvedBy).toBeUndefined();
    expect(stepStates(record)).toEqual({
      "create-peers": "compensated",
      "mark-route-reflectors": "compensated",
      "verify-sessions": "succeeded",
      approval: "failed",
      "disable-mesh": "pending",
      "verify-mesh-off": "pending",
    });
    expect(eventTrail(run.events).filter((e) => /^(step-failed|compensat|rolled)/.test(e))).toEqual(
      [
        "step-failed:approval",
        "compensating:mark-route-reflectors",
        "compensated:mark-route-reflectors",
        "compensating:create-peers",
        "compensated:create-peers",
        "rolled-back",
      ],
    );
    await expectUndone(meshVersion);
  }, 120_000);

  test("10: a node that joins while the run waits is verified before the mesh goes off", async () => {
    const { run, id, meshVersion } = await atTheGate();
    const joined = await env.lab.addNode();
    try {
      await approveMigration(operator, id, { by: "alice" });
      const record = await run.outcome;
      expect(record, eventTrail(run.events).join(" ")).toMatchObject({
        phase: "Succeeded",
        approvedBy: "alice",
      });
      expect(await meshConfigVersion(env.client)).not.toBe(meshVersion);
      const trail = eventTrail(run.events);
      expect(trail.indexOf("approved")).toBeLessThan(trail.indexOf("step-started:disable-mesh"));
      // verify-sessions counted the three clients of the plan; the check right before the mesh
      // switch counted the live set: four clients, two reflectors each (plus, both times, the
      // three reflectors' six sessions with each other)
      expect(progressOf(run.events, "verify-sessions").at(-1)).toMatchObject({
        established: 12,
        wanted: 12,
      });
      expect(progressOf(run.events, "disable-mesh").at(-1)).toMatchObject({
        established: 14,
        wanted: 14,
      });
      expect(birdcBgp(joined).some((r) => r.name.startsWith("Mesh_"))).toBe(false);
      // the reflectors reported the joined node Established before the switch; its own BIRD can
      // still be settling a session the reflector restarted (seen: "Established" while not "up")
      await waitUntil(
        "the joined node on two reflectors, from its own BIRD",
        30_000,
        () => birdcBgp(joined).filter((r) => r.established).length >= 2,
        () => JSON.stringify(birdcBgp(joined)),
      );
    } finally {
      await env.lab.removeNode(joined.name);
    }
  }, 120_000);

  test("10: a node that joins unable to reach the reflectors keeps the mesh on; the run rolls back", async () => {
    const { run, id, meshVersion } = await atTheGate();
    const joined = await env.lab.addNode();
    try {
      for (const rr of reflectors) await env.lab.blockBgp(joined.name, rr);
      await approveMigration(operator, id, { by: "alice" });
      const failure = await failureOf(run);
      expect(failure._tag).toBe("RolledBack");
      expect(failure.message).toContain(`${joined.name} (v4: 0/2)`);
      const record = await getMigration(operator, id);
      expect(record.phase).toBe("RolledBack");
      expect(record.error?.tag).toBe("VerificationFailed");
      expect(stepStates(record)).toMatchObject({
        approval: "succeeded",
        "disable-mesh": "compensated",
        "verify-mesh-off": "pending",
      });
      expect(await meshConfigVersion(env.client)).toBe(meshVersion);
    } finally {
      for (const rr of reflectors) await env.lab.unblockBgp(joined.name, rr);
      await env.lab.removeNode(joined.name);
    }
    await expectUndone(meshVersion);
  }, 180_000);

  test("11: a reflector deleted while the run waits stops it before the mesh switch; the rollback skips it", async () => {
    const { run, id, meshVersion } = await atTheGate();
    await env.lab.removeNode("node-5");
    try {
      await approveMigration(operator, id, { by: "alice" });
      const failure = await failureOf(run);
      expect(failure._tag, failure.message).toBe("RolledBack");
      expect(failure.message).toContain("node-5 deleted or NotReady: the mesh must stay on");
      const record = await getMigration(operator, id);
      expect(record.phase).toBe("RolledBack");
      expect(stepStates(record)).toMatchObject({
        "mark-route-reflectors": "compensated",
        "disable-mesh": "compensated",
        "verify-mesh-off": "pending",
      });
      expect(await meshConfigVersion(env.client)).toBe(meshVersion);
    } finally {
      // the same index comes back: node-5 in zone-b, a fresh Node without our marks
      expect((await env.lab.addNode({ zone: "zone-b" })).name).toBe("node-5");
    }
    await expectUndone(meshVersion);
  }, 150_000);

  test("11: a reflector that goes NotReady while the run waits stops it before the mesh switch", async () => {
    const { run, id, meshVersion } = await atTheGate();
    const readiness = (status: "True" | "False") =>
      env.lab.http.request({
        method: "PATCH",
        path: "/api/v1/nodes/node-5/status",
        contentType: "application/merge-patch+json",
        body: {
          status: {
            conditions: [
              {
                type: "Ready",
                status,
                reason: status === "True" ? "KubeletReady" : "KubeletNotReady",
                message: "set by the test",
                lastHeartbeatTime: new Date().toISOString(),
                lastTransitionTime: new Date().toISOString(),
              },
            ],
          },
        },
      });
    expect((await readiness("False")).status).toBe(200);
    try {
      await approveMigration(operator, id, { by: "alice" });
      const failure = await failureOf(run);
      expect(failure._tag).toBe("RolledBack");
      expect(failure.message).toContain("node-5 deleted or NotReady: the mesh must stay on");
      const record = await getMigration(operator, id);
      expect(record.phase).toBe("RolledBack");
      expect(stepStates(record)).toMatchObject({
        "disable-mesh": "compensated",
        "verify-mesh-off": "pending",
      });
    } finally {
      expect((await readiness("True")).status).toBe(200);
    }
    await expectUndone(meshVersion);
  }, 120_000);
});
