import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  approveMigration,
  getMigration,
  planMigration,
  resumeMigration,
  runMigration,
  WorkflowError,
} from "../src/index.js";
import { type MigrationLab, startMigrationLab } from "./support/MigrationLab.js";

describe("a stopped run (a shutdown) undoes nothing, frees the Lease and resumes (4 nodes, real BIRD)", () => {
  let env: MigrationLab;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-stop-${process.pid % 1000}`, { nodes: 4, zones: 2 });
  });

  afterAll(async () => {
    await env?.close();
  });

  test("stopped at the approval gate, then resumed by another caller at once and approved", async () => {
    const plan = await planMigration(env.client, {
      to: "route-reflectors",
      rrNodes: ["node-1", "node-2"],
      requireApproval: true,
    });
    const stop = new AbortController();
    const stopped = runMigration(env.client, plan, {
      leaseSeconds: 60,
      verifyTimeoutMs: 60_000,
      stop: stop.signal,
      // the gate is the barrier: stop once the run waits there
      onEvent: (e) => {
        if (e.type === "awaiting-approval") stop.abort();
      },
    }).catch((e: unknown) => e);
    const error = await stopped;
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError)._tag).toBe("Stopped");

    // nothing was undone: the reflectors stay marked, the mesh is on, the gate is pending again
    const record = await getMigration(env.client, plan.id);
    expect(record.steps.map((s) => `${s.id}:${s.state}`)).toEqual([
      "create-peers:succeeded",
      "mark-route-reflectors:succeeded",
      "verify-sessions:succeeded",
      "approval:pending",
      "disable-mesh:pending",
      "verify-mesh-off:pending",
    ]);
    const node = await env.client.nodes.get("node-1");
    expect(node.node.spec.bgp?.routeReflectorClusterID).toBe("244.0.0.1");

    // the Lease (60 s) was released: a resume with no wait takes it at once
    const resumed = resumeMigration(env.client, plan.id, {
      lockWaitMs: 0,
      verifyTimeoutMs: 60_000,
    });
    await approveMigration(env.client, plan.id, { by: "test" });
    expect((await resumed).phase).toBe("Succeeded");
  });
});
