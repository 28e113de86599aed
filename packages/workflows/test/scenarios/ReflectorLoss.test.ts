import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  getMigration,
  type MigrationEvent,
  type MigrationRecord,
  type MigrationRequest,
  planMigration,
  runMigration,
  type StepId,
  WorkflowError,
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
  meshConfigVersion,
  returnToMesh,
  startResume,
  stepStates,
} from "./support/RunProbe.js";

// Scenario 11, second half: a reflector lost after the mesh switch. With the mesh off the
// reflectors are all a client has, so the verification after the switch reports the run
// Degraded (naming who lacks which reflector) and refuses to finish until every client is on two
// reflectors and the reflectors on each other again; at its deadline it rolls back, the mesh
// back on. The race is ordered by barriers: the run is stopped (RunSettings.stop) right after the
// mesh switch is journalled, the fault is made, the run resumed, and the fault is lifted from the
// run's own `degraded` event.

type Degraded = Extract<MigrationEvent, { type: "degraded" }>;

/** Each group of a degraded event as `role nodes lack missing (family)`, nodes sorted. */
function lacking(event: Degraded): string[] {
  return event.lacking.map(
    (g) => `${g.role} ${[...g.nodes].sort().join(",")} lack ${g.missing.join(",")} (${g.family})`,
  );
}

describe("11: a reflector lost after the mesh is off (real BIRD)", () => {
  let env: MigrationLab;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-rrloss-${process.pid % 1000}`, { nodes: 5, zones: 3 });
  });

  afterEach(async () => {
    await returnToMesh(env.client);
    await waitUntil("full mesh", 30_000, () => fullMesh(env.lab.status().nodes));
  }, 90_000);

  afterAll(async () => {
    await env?.close();
  });

  /** Runs a migration to `reflectors` and stops it right after the mesh switch; its run id. */
  function stoppedWithTheMeshOff(reflectors: readonly string[]): Promise<string> {
    return stoppedAfter({ to: "route-reflectors", rrNodes: [...reflectors] }, "disable-mesh");
  }

  /** Runs the migration `request` asks for and stops it right after `step`; its run id. */
  async function stoppedAfter(request: MigrationRequest, step: StepId): Promise<string> {
    const plan = await planMigration(env.client, request);
    const stop = new AbortController();
    const error = await runMigration(env.client, plan, {
      startedBy: "test",
      verifyTimeoutMs: 90_000,
      stop: stop.signal,
      // the barrier: the run ends before its next step once the mesh switch is journalled
      onEvent: (e) => {
        if (e.type === "step-succeeded" && e.step === step) stop.abort();
      },
    }).then(
      (record) => record,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError)._tag).toBe("Stopped");
    const record = await getMigration(env.client, plan.id);
    const next = plan.steps[plan.steps.findIndex((s) => s.id === step) + 1]?.id as StepId;
    expect(stepStates(record)).toMatchObject({ [step]: "succeeded", [next]: "pending" });
    expect((await env.client.bgpConfigurations.get("default")).spec.nodeToNodeMeshEnabled).toBe(
      false,
    );
    return plan.id;
  }

  /** Resumes a run in the background, keeping its events. */
  const resume = (
    id: string,
    verifyTimeoutMs: number,
    onEvent: (event: MigrationEvent) => void = () => {},
  ) => startResume(env.client, id, { startedBy: "test", verifyTimeoutMs, onEvent });

  /**
   * Resumes the stopped run and lifts the fault (`heal`) once the run reported itself degraded
   * with who lacks what as `expected` (the nodes' reports of a fault arrive one by one, so an
   * earlier `degraded` event may name fewer) and the journal was read back: the run cannot have
   * succeeded before the fault was lifted. Never reported, the run rolls back at its deadline.
   */
  async function degradedThenHealed(
    id: string,
    heal: () => Promise<void>,
    expected: readonly string[],
    step: StepId = "verify-mesh-off",
  ) {
    const wanted = JSON.stringify(expected);
    const isExpected = (e: MigrationEvent): e is Degraded =>
      e.type === "degraded" && JSON.stringify(lacking(e)) === wanted;
    let whileDegraded: Promise<MigrationRecord> | undefined;
    const resumed = resume(id, 60_000, (e) => {
      if (isExpected(e) && whileDegraded === undefined) {
        whileDegraded = getMigration(env.client, id).then(async (record) => {
          await heal();
          return record;
        });
      }
    });
    const outcome = await resumed.outcome;
    const trail = eventTrail(resumed.events);
    const reported = resumed.events
      .filter((e): e is Degraded => e.type === "degraded")
      .map((e) => lacking(e).join("; "));
    expect(
      outcome,
      `${String(outcome)} ${trail.join(" ")} | ${reported.join(" | ")}`,
    ).not.toBeInstanceOf(WorkflowError);
    expect((outcome as MigrationRecord).phase).toBe("Succeeded");
    const record = await (whileDegraded as Promise<MigrationRecord>);
    expect(record.phase).toBe("Degraded");
    expect(stepStates(record)[step]).toBe("running");
    // degraded, then the verification passed, then (only then) the run succeeded; nothing undone
    const firstDegraded = trail.indexOf(`degraded:${step}`);
    expect(firstDegraded).toBeGreaterThanOrEqual(0);
    expect(trail.lastIndexOf(`degraded:${step}`)).toBeLessThan(
      trail.indexOf(`step-succeeded:${step}`),
    );
    expect(trail.at(-1)).toBe("succeeded");
    expect(trail.filter((t) => /^(step-failed|compensat|rolled)/.test(t))).toEqual([]);
    expect((await env.client.bgpConfigurations.get("default")).spec.nodeToNodeMeshEnabled).toBe(
      false,
    );
    return resumed.events.find(isExpected) as Degraded;
  }

  test("a reflector's BIRD down: Degraded, naming who lacks it, never Succeeded; back up, the run succeeds with the mesh off", async () => {
    const id = await stoppedWithTheMeshOff(["node-4", "node-5"]);
    await env.lab.stopBird("node-5");
    const degraded = await degradedThenHealed(id, () => env.lab.startBird("node-5"), [
      "client node-1,node-2,node-3 lack node-5 (v4)",
      "reflector node-4 lack node-5 (v4)",
      "reflector node-5 lack node-4 (v4)",
    ]);
    expect(degraded.step).toBe("verify-mesh-off");
    expect(degraded.established).toBeLessThan(degraded.wanted);
    // BIRD agrees on every client: no mesh, both reflectors Established
    for (const node of env.lab
      .status()
      .nodes.filter((n) => !["node-4", "node-5"].includes(n.name))) {
      await waitUntil(
        `${node.name} on both reflectors, without the mesh`,
        30_000,
        () => {
          const rows = birdcBgp(node);
          return (
            rows.length === 2 && rows.every((r) => r.name.startsWith("Node_") && r.established)
          );
        },
        () => JSON.stringify(birdcBgp(node)),
      );
    }
  }, 180_000);

  test("a session between two of three reflectors down: clients are fine, the run is Degraded until it is back", async () => {
    const id = await stoppedWithTheMeshOff(["node-3", "node-4", "node-5"]);
    await env.lab.blockBgp("node-4", "node-5");
    try {
      // every client is on all three reflectors: only the reflector pair is named
      const degraded = await degradedThenHealed(id, () => env.lab.unblockBgp("node-4", "node-5"), [
        "reflector node-4 lack node-5 (v4)",
        "reflector node-5 lack node-4 (v4)",
      ]);
      expect(degraded.detail).toContain("node-4 (v4: lacks node-5)");
    } finally {
      await env.lab.unblockBgp("node-4", "node-5");
    }
  }, 180_000);

  test("a reflector lost as a reflector-set change ends (the mesh off all along): Degraded in verify-final, never Succeeded; back up, the run succeeds", async () => {
    const done = await runMigration(
      env.client,
      await planMigration(env.client, {
        to: "route-reflectors",
        rrNodes: ["node-3", "node-4", "node-5"],
      }),
      { startedBy: "test", verifyTimeoutMs: 90_000 },
    );
    expect(done.phase).toBe("Succeeded");
    const id = await stoppedAfter(
      { to: "reflector-set", rrNodes: ["node-4", "node-5"] },
      "unmark-route-reflectors",
    );
    // barrier: node-3, a client now, has its new sessions to both reflectors up before the fault
    const node3 = env.lab.status().nodes.find((n) => n.name === "node-3");
    await waitUntil(
      "node-3 on both reflectors",
      60_000,
      () => {
        const rows = birdcBgp(node3 as NonNullable<typeof node3>);
        return rows.length === 2 && rows.every((r) => r.established);
      },
      () => JSON.stringify(birdcBgp(node3 as NonNullable<typeof node3>)),
    );
    await env.lab.stopBird("node-5");
    // node-3 left the set: a client now, and it lacks node-5 like the others
    const degraded = await degradedThenHealed(
      id,
      () => env.lab.startBird("node-5"),
      [
        "client node-1,node-2,node-3 lack node-5 (v4)",
        "reflector node-4 lack node-5 (v4)",
        "reflector node-5 lack node-4 (v4)",
      ],
      "verify-final",
    );
    expect(degraded.step).toBe("verify-final");
  }, 240_000);

  test("a client that loses both reflectors fails the verification at once (no deadline wait): rolled back, the mesh on again", async () => {
    const id = await stoppedWithTheMeshOff(["node-4", "node-5"]);
    const cut = ["node-4", "node-5"];
    for (const rr of cut) await env.lab.blockBgp("node-1", rr);
    let lifted: Promise<void> | undefined;
    try {
      // a deadline far beyond the test's own: the failure can only be the verdict's
      const resumed = resume(id, 600_000, (e) => {
        // the run gave up: lift the block so the restored mesh can form around node-1
        if (e.type === "step-failed" && lifted === undefined) {
          lifted = Promise.all(cut.map((rr) => env.lab.unblockBgp("node-1", rr))).then(() => {});
        }
      });
      const failure = await resumed.outcome;
      const trail = eventTrail(resumed.events);
      expect(failure, trail.join(" ")).toBeInstanceOf(WorkflowError);
      expect((failure as WorkflowError)._tag).toBe("RolledBack");
      expect((failure as WorkflowError).message).toContain(
        "with the mesh off, node-1 (v4) has no Established route reflector",
      );
      expect(trail).not.toContain("degraded:verify-mesh-off");
      expect(trail).toContain("compensated:disable-mesh");
      expect(trail.at(-1)).toBe("rolled-back");
      expect(
        (await env.client.bgpConfigurations.get("default")).spec.nodeToNodeMeshEnabled ?? true,
      ).toBe(true);
      await waitUntil("full mesh", 30_000, () => fullMesh(env.lab.status().nodes));
    } finally {
      await lifted;
      for (const rr of cut) await env.lab.unblockBgp("node-1", rr);
    }
  }, 240_000);

  test("a reflector deleted: Degraded until the deadline, then rolled back: the mesh is on again, clients fine", async () => {
    const id = await stoppedWithTheMeshOff(["node-4", "node-5"]);
    const meshOff = await meshConfigVersion(env.client);
    await env.lab.removeNode("node-5");
    try {
      const resumed = resume(id, 30_000);
      const failure = await resumed.outcome;
      const trail = eventTrail(resumed.events);
      expect(failure, trail.join(" ")).toBeInstanceOf(WorkflowError);
      expect((failure as WorkflowError)._tag).toBe("RolledBack");
      expect((failure as WorkflowError).message).toContain("below 2 Established reflectors");
      const degraded = resumed.events.find((e): e is Degraded => e.type === "degraded");
      expect(degraded, trail.join(" ")).toBeDefined();
      // the deleted reflector reports nothing; everyone left lacks it
      expect(lacking(degraded as Degraded)).toEqual([
        "client node-1,node-2,node-3 lack node-5 (v4)",
        "reflector node-4 lack node-5 (v4)",
      ]);
      expect(trail).not.toContain("succeeded");
      expect(trail.indexOf("degraded:verify-mesh-off")).toBeLessThan(
        trail.indexOf("step-failed:verify-mesh-off"),
      );
      // undone in reverse (the restored mesh's verification reports progress on the way)
      const undoing = trail.slice(trail.indexOf("step-failed:verify-mesh-off"));
      expect(undoing.filter((t) => !t.startsWith("step-progress"))).toEqual([
        "step-failed:verify-mesh-off",
        "compensating:disable-mesh",
        "compensated:disable-mesh",
        "compensating:mark-route-reflectors",
        "compensated:mark-route-reflectors",
        "compensating:create-peers",
        "compensated:create-peers",
        "rolled-back",
      ]);
      const record = await getMigration(env.client, id);
      expect(record.phase).toBe("RolledBack");
      expect(record.error?.tag).toBe("VerificationFailed");
      const config = await env.client.bgpConfigurations.get("default");
      expect(config.metadata.resourceVersion).not.toBe(meshOff);
      expect(config.spec.nodeToNodeMeshEnabled ?? true).toBe(true);
      // the rollback verified the full mesh on a sample; birdc agrees on every node left
      await waitUntil("full mesh", 30_000, () => fullMesh(env.lab.status().nodes));
    } finally {
      // the same index comes back: node-5 in zone-b, a fresh Node without our marks
      expect((await env.lab.addNode({ zone: "zone-b" })).name).toBe("node-5");
    }
  }, 180_000);
});
