import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  type MigrationEvent,
  type MigrationPlan,
  planMigration,
  resumeMigration,
  WorkflowError,
} from "../../src/index.js";
import { type MigrationLab, startMigrationLab } from "../support/MigrationLab.js";
import {
  expectBirdFollowsCluster,
  expectHistoryKeepsPromises,
  expectObjectsMatchJournal,
  leftoverStatuses,
  liveSide,
  readJournal,
  readLease,
} from "./ClusterAgreement.js";
import { CrashRunners, eventName, type RunnerStop } from "./CrashRunner.js";

/** Every boundary of a plan: after the journal is made, after each step-started and step-succeeded. */
function boundaries(plan: MigrationPlan, midVerification: readonly RunnerStop[]): RunnerStop[] {
  const stops: RunnerStop[] = [{ type: "planned" }];
  for (const { id } of plan.steps) {
    stops.push({ type: "step-started", step: id });
    stops.push(...midVerification.filter((s) => s.step === id));
    stops.push({ type: "step-succeeded", step: id });
  }
  return stops;
}

describe("SIGKILL at every step boundary, then resume (R12) on a 6-node, 3-zone lab with real BIRD", () => {
  let env: MigrationLab;
  let kubeconfig: string;

  let runners: CrashRunners;

  beforeAll(async () => {
    runners = new CrashRunners();
    env = await startMigrationLab(`wf-kill-${process.pid % 1000}`, { nodes: 6, zones: 3 });
    kubeconfig = env.lab.status().kubeconfig;
  });

  afterAll(async () => {
    await runners?.close();
    await env?.close();
  });

  /**
   * Runs `plan` in a child process that is SIGKILLed at each stop in turn; each next child
   * resumes the run. After every kill: the journal ends at the event the child died at, the
   * objects are where its step states say, and BIRD follows the objects. Returns every event the
   * children printed, in order.
   */
  async function killAtEach(plan: MigrationPlan, stops: readonly RunnerStop[]) {
    const printed: MigrationEvent[] = [];
    for (const [i, stop] of stops.entries()) {
      const runner = await runners.start({
        kubeconfig,
        job: i === 0 ? { run: plan } : { resume: plan.id },
        parkAt: stop,
        // the first holder's claim is long enough to see a second process refused, below
        leaseSeconds: i === 0 ? 10 : 3,
        lockWaitMs: 60_000,
        verifyTimeoutMs: 90_000,
      });
      const event = await runner.reached(stop);
      const end = await runner.kill();
      expect(end.signal).toBe("SIGKILL");
      printed.push(...runner.events);
      const why = `killed at ${eventName(stop)} (event ${event.seq})`;

      if (i === 0) {
        // the dead runner's Lease is still unexpired: another process is refused, naming it
        const refused = await resumeMigration(env.client, plan.id, { startedBy: "second" }).catch(
          (e: unknown) => e,
        );
        expect(refused, why).toBeInstanceOf(WorkflowError);
        expect(refused).toMatchObject({ _tag: "LockHeld", runId: plan.id });
        expect((refused as WorkflowError).holder).toContain(`/${runner.pid}`);
      }

      const journal = await readJournal(env.lab, plan.id);
      expect(journal.events.at(-1)?.seq, why).toBe(event.seq);
      await expectObjectsMatchJournal(env.lab, journal.record);
      if (stop.type === "step-started") {
        // parked right after journalling the intent (R1): the step has not acted yet
        for (const change of plan.changes.filter((c) => c.step === stop.step)) {
          expect(await liveSide(env.lab, change), `${why}: ${change.kind} ${change.name}`).toEqual(
            change.before,
          );
        }
      }
      if (stop.type === "step-progress") {
        // killed mid-verification: its temporary CalicoNodeStatus objects are left behind
        expect((await leftoverStatuses(env.lab, plan.id)).length, why).toBeGreaterThan(0);
      }
      await expectBirdFollowsCluster(env.lab, env.nodes);
      if (i === 1) {
        // the second process took the expired Lease over from the first
        const lease = await readLease(env.lab);
        expect(lease.holder, why).toContain(`/${runner.pid}`);
      }
    }
    const last = await runners.start({
      kubeconfig,
      job: { resume: plan.id },
      leaseSeconds: 3,
      lockWaitMs: 60_000,
      verifyTimeoutMs: 90_000,
    });
    const end = await last.ended;
    expect(end.outcome, end.stderr).toEqual({ done: { phase: "Succeeded" } });
    printed.push(...last.events);

    const journal = await readJournal(env.lab, plan.id);
    expect(journal.record.phase).toBe("Succeeded");
    expect(journal.record.steps.map((s) => s.state)).toEqual(plan.steps.map(() => "succeeded"));
    // every journalled event was reported by exactly one of the processes
    expect(printed.map((e) => e.seq)).toEqual(journal.events.map((e) => e.seq));
    expectHistoryKeepsPromises(journal.record, journal.events);
    // a step is started again by the process after each one killed inside it, and only then
    for (const { id } of plan.steps) {
      const killedInside = stops.filter((s) => s.step === id && s.type !== "step-succeeded");
      const starts = journal.events.filter((e) => e.type === "step-started" && e.step === id);
      expect(starts.length, id).toBe(killedInside.length + 1);
    }
    await expectObjectsMatchJournal(env.lab, journal.record);
    expect(await leftoverStatuses(env.lab, plan.id)).toEqual([]);
    expect((await readLease(env.lab)).holder).toBeUndefined();
    return expectBirdFollowsCluster(env.lab, env.nodes);
  }

  test("mesh -> route reflectors: killed after the journal is made, after each step-started and step-succeeded, and mid-verification; each resume continues from the journal and the live state (scenario 5: between peers created and verify)", async () => {
    const plan = await planMigration(env.client, { to: "route-reflectors", rrCount: 3 });
    expect(plan.steps.map((s) => s.id)).toEqual([
      "create-peers",
      "mark-route-reflectors",
      "verify-sessions",
      "disable-mesh",
      "verify-mesh-off",
    ]);
    const stops = boundaries(plan, [{ type: "step-progress", step: "verify-sessions" }]);
    const topology = await killAtEach(plan, stops);
    expect(topology.mesh).toBe(false);
    expect([...topology.reflectors].sort()).toEqual(plan.routeReflectors.map((r) => r.name).sort());
    expect(topology.reflectorPeers).toBe(true);
  }, 900_000);

  test("route reflectors -> mesh: the same kills on the way back end in the full mesh without calicokit's objects", async () => {
    const plan = await planMigration(env.client, { to: "mesh" });
    expect(plan.steps.map((s) => s.id)).toEqual([
      "enable-mesh",
      "verify-mesh-on",
      "unmark-route-reflectors",
      "verify-final",
      "delete-peers",
    ]);
    const stops = boundaries(plan, [{ type: "step-progress", step: "verify-final" }]);
    const topology = await killAtEach(plan, stops);
    expect(topology).toEqual({ mesh: true, reflectors: new Set(), reflectorPeers: false });
  }, 900_000);
});
