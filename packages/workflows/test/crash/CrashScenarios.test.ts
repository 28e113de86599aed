import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type FaultProxy, startFaultProxy } from "@calicokit/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  cancelMigration,
  type MigrationEvent,
  type MigrationPlan,
  planMigration,
  runMigration,
} from "../../src/index.js";
import { proxyKubeconfig } from "../scenarios/support/ProxiedClient.js";
import { type MigrationLab, startMigrationLab } from "../support/MigrationLab.js";
import {
  expectBirdFollowsCluster,
  expectHistoryKeepsPromises,
  expectObjectsMatchJournal,
  leftoverStatuses,
  readJournal,
  readLease,
} from "./ClusterAgreement.js";
import { CrashRunners, eventName, type RunnerProcess, type RunnerStop } from "./CrashRunner.js";

const journalPath = (id: string) => `/api/v1/namespaces/kube-system/configmaps/calicokit-${id}`;
const leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
const leasePath = `${leases}/calicokit-migration`;
const meshSwitchPath = "/apis/projectcalico.org/v3/bgpconfigurations/default";

describe("crash scenarios 6, 7 and 8 on a 6-node, 3-zone lab with real BIRD", () => {
  let env: MigrationLab;
  let proxy: FaultProxy | undefined;

  let runners: CrashRunners;
  /** The proxies' kubeconfigs, removed with the lab. */
  const scratch = mkdtempSync(join(tmpdir(), "calicokit-crash-"));

  beforeAll(async () => {
    runners = new CrashRunners();
    env = await startMigrationLab(`wf-crash-${process.pid % 1000}`, { nodes: 6, zones: 3 });
  });

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  afterAll(async () => {
    await runners?.close();
    await env?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A fault proxy in front of the lab's API server, and a kubeconfig for runners to use it. */
  async function throughProxy(): Promise<{ proxy: FaultProxy; kubeconfig: string }> {
    const cp = env.lab.controlPlane;
    const started = await startFaultProxy({ target: cp.url, caData: cp.caData });
    proxy = started;
    const kubeconfig = join(mkdtempSync(join(scratch, "proxy-")), "kubeconfig");
    writeFileSync(kubeconfig, proxyKubeconfig(started, cp.admin.token), { mode: 0o600 });
    return { proxy: started, kubeconfig };
  }

  /** After a run ends: journal, objects, BIRD and temporary objects all tell one story. */
  async function expectAtRest(plan: MigrationPlan, phase: "Succeeded" | "RolledBack") {
    const journal = await readJournal(env.lab, plan.id);
    expect(journal.record.phase).toBe(phase);
    expectHistoryKeepsPromises(journal.record, journal.events);
    await expectObjectsMatchJournal(env.lab, journal.record);
    expect(await leftoverStatuses(env.lab, plan.id)).toEqual([]);
    expect((await readLease(env.lab)).holder).toBeUndefined();
    return { journal, topology: await expectBirdFollowsCluster(env.lab, env.nodes) };
  }

  /** Back to the full mesh (the way back, in this process) for the next scenario. */
  async function backToMesh() {
    const plan = await planMigration(env.client, { to: "mesh" });
    if (plan.nothingToDo) return;
    const record = await runMigration(env.client, plan, { leaseSeconds: 3, lockWaitMs: 30_000 });
    expect(record.phase).toBe("Succeeded");
  }

  test("scenario 6: SIGKILL right after the mesh-disable write, before the journal records it; the resume sees the mesh already off, writes nothing to it and goes on to verify", async () => {
    const { proxy, kubeconfig } = await throughProxy();
    const plan = await planMigration(env.client, { to: "route-reflectors", rrCount: 2 });
    // barrier 1: the mesh-disable PATCH reaches the API server (passed through and committed);
    // barrier 2: the journal write that would record it is held, and the runner dies meanwhile
    const meshSwitch = proxy.inject({
      method: "PATCH",
      path: meshSwitchPath,
      action: { kind: "delay", ms: 0 },
    });
    const runner = await runners.start({
      kubeconfig,
      job: { run: plan },
      leaseSeconds: 3,
      verifyTimeoutMs: 90_000,
    });
    await runner.whileAlive(meshSwitch.reached(), "the mesh-disable PATCH");
    const record = proxy.inject({
      method: "PUT",
      path: journalPath(plan.id),
      action: { kind: "hold" },
    });
    await runner.whileAlive(record.reached(), "the journal write after the mesh switch");
    const end = await runner.kill();
    expect(end.signal).toBe("SIGKILL");
    // proxy.stop() drops the held write unforwarded (its client is gone): the journal never
    // learns that the mesh went off
    await proxy.stop();

    const killed = await readJournal(env.lab, plan.id);
    // the last thing journalled is the step's intent (and its coverage re-check), not its result
    expect(
      killed.events
        .filter((e) => e.type !== "step-progress")
        .map(eventName)
        .at(-1),
    ).toBe("step-started disable-mesh");
    expect(killed.record.steps.find((s) => s.id === "disable-mesh")?.state).toBe("running");
    const live = await env.lab.http.request({ method: "GET", path: meshSwitchPath });
    expect(
      live.json<{ spec: { nodeToNodeMeshEnabled?: boolean } }>().spec.nodeToNodeMeshEnabled,
    ).toBe(false);
    await expectObjectsMatchJournal(env.lab, killed.record);
    // the safety promise held at the moment of the kill: no mesh, every client on both reflectors
    await expectBirdFollowsCluster(env.lab, env.nodes);

    const { proxy: resumeProxy, kubeconfig: resumeKubeconfig } = await throughProxy();
    const resumed = await runners.start({
      kubeconfig: resumeKubeconfig,
      job: { resume: plan.id },
      leaseSeconds: 3,
      lockWaitMs: 60_000,
      verifyTimeoutMs: 90_000,
    });
    const done = await resumed.ended;
    expect(done.outcome, done.stderr).toEqual({ done: { phase: "Succeeded" } });
    expect(resumed.events.filter((e) => e.type !== "step-progress").map(eventName)).toEqual([
      "step-started disable-mesh",
      "step-succeeded disable-mesh",
      "step-started verify-mesh-off",
      "step-succeeded verify-mesh-off",
      "succeeded",
    ]);
    // check-then-act: the resumed step read the mesh switch and found it done
    const switches = resumeProxy.requests.filter(
      (r) => r.method !== "GET" && r.path.startsWith(meshSwitchPath),
    );
    expect(switches).toEqual([]);
    const { topology } = await expectAtRest(plan, "Succeeded");
    expect(topology.mesh).toBe(false);

    await backToMesh();
  }, 600_000);

  test("scenario 7: SIGKILL during rollback, at every compensation boundary and during the restored-state verification; each resume goes on at the first step not yet undone", async () => {
    const kubeconfig = env.lab.status().kubeconfig;
    const plan = await planMigration(env.client, { to: "route-reflectors", rrCount: 2 });
    const [downReflector] = plan.routeReflectors;
    // with one of two reflectors silent, no client reaches two: verify-sessions must fail
    await env.lab.stopBird(downReflector?.name as string);
    const stops: RunnerStop[] = [
      { type: "step-failed", step: "verify-sessions" },
      { type: "compensating", step: "mark-route-reflectors" },
      { type: "compensated", step: "mark-route-reflectors" },
      { type: "compensating", step: "create-peers" },
      { type: "compensated", step: "create-peers" },
      { type: "step-progress", step: "verify-final" },
    ];
    const printed: MigrationEvent[] = [];
    for (const [i, stop] of stops.entries()) {
      const runner = await runners.start({
        kubeconfig,
        job: i === 0 ? { run: plan } : { resume: plan.id },
        parkAt: stop,
        leaseSeconds: 3,
        lockWaitMs: 60_000,
        // short while the reflector is down (verify must time out), long once it is back
        verifyTimeoutMs: i < 2 ? 15_000 : 90_000,
      });
      const event = await runner.reached(stop);
      expect((await runner.kill()).signal).toBe("SIGKILL");
      printed.push(...runner.events);
      const why = `killed at ${eventName(stop)}`;
      const journal = await readJournal(env.lab, plan.id);
      expect(journal.events.at(-1)?.seq, why).toBe(event.seq);
      expectHistoryKeepsPromises(journal.record, journal.events);
      await expectObjectsMatchJournal(env.lab, journal.record);
      // the failure is journalled before the rollback starts, then every step of it
      expect(journal.record.phase, why).toBe(i === 0 ? "Verifying" : "RollingBack");
      if (i === 1) await env.lab.startBird(downReflector?.name as string);
      if (i >= 1) await expectBirdFollowsCluster(env.lab, env.nodes);
    }
    // killed while verifying the restored mesh: its CalicoNodeStatus objects are left behind
    expect((await leftoverStatuses(env.lab, plan.id)).length).toBeGreaterThan(0);

    const last = await runners.start({
      kubeconfig,
      job: { resume: plan.id },
      leaseSeconds: 3,
      lockWaitMs: 60_000,
      verifyTimeoutMs: 90_000,
    });
    const end = await last.ended;
    expect(end.outcome, end.stderr).toMatchObject({ done: { phase: "RolledBack" } });
    printed.push(...last.events);
    // nothing left to undo, but the restored state is verified from the nodes before RolledBack
    expect(last.events.map(eventName)).toContain("step-progress verify-final");
    expect(last.events.map(eventName).at(-1)).toBe("rolled-back");

    const { journal, topology } = await expectAtRest(plan, "RolledBack");
    expect(printed.map((e) => e.seq)).toEqual(journal.events.map((e) => e.seq));
    // each compensation ran again only in the process after the one killed inside it
    const names = journal.events.map(eventName);
    expect(names.filter((n) => n === "compensating mark-route-reflectors")).toHaveLength(2);
    expect(names.filter((n) => n === "compensating create-peers")).toHaveLength(2);
    expect(journal.record.steps.map((s) => [s.id, s.state])).toEqual([
      ["create-peers", "compensated"],
      ["mark-route-reflectors", "compensated"],
      ["verify-sessions", "failed"],
      ["disable-mesh", "pending"],
      ["verify-mesh-off", "pending"],
    ]);
    expect(topology).toEqual({ mesh: true, reflectors: new Set(), reflectorPeers: false });
  }, 600_000);

  test("scenario 8: two migrations at once: exactly one takes the Lease, the other gets LockHeld naming the running migration and its holder", async () => {
    const { proxy, kubeconfig } = await throughProxy();
    const request = { to: "route-reflectors", rrCount: 2, requireApproval: true } as const;
    const plans = [
      await planMigration(env.client, request),
      await planMigration(env.client, request),
    ];
    // both read the Lease before either writes it: a true race, ordered by the barrier
    const reads = proxy.inject({
      method: "GET",
      path: leasePath,
      times: 2,
      action: { kind: "hold" },
    });
    const contenders = await runners.startTogether(
      plans.map((plan, i) => ({
        kubeconfig,
        job: { run: plan },
        startedBy: `contender-${i}`,
        leaseSeconds: 3,
        verifyTimeoutMs: 90_000,
      })),
    );
    const [first, second] = contenders as [RunnerProcess, RunnerProcess];
    await first.whileAlive(second.whileAlive(reads.reached(2), "both Lease reads"), "both reads");
    reads.release();
    const loserEnd = await Promise.race(
      contenders.map((r, i) => r.ended.then((end) => ({ end, i }))),
    );
    const winner = contenders[1 - loserEnd.i] as RunnerProcess;
    const winnerPlan = plans[1 - loserEnd.i] as MigrationPlan;
    const loserPlan = plans[loserEnd.i] as MigrationPlan;
    expect(loserEnd.end.outcome).toMatchObject({
      failed: { tag: "LockHeld", runId: winnerPlan.id },
    });
    const failed = (loserEnd.end.outcome as { failed: { holder: string; message: string } }).failed;
    expect(failed.holder).toBe(
      `${winnerPlan.id} contender-${1 - loserEnd.i}@${hostname()}/${winner.pid}`,
    );
    console.log(`the second migration was refused: ${failed.message}`);
    expect(failed.message).toContain(winnerPlan.id);
    // a real race: both read the Lease free, then both wrote it; one write lost
    const [read1, read2, write1, write2] = proxy.requests
      .filter((r) => r.path.startsWith(leases))
      .map((r) => r.method);
    expect([read1, read2]).toEqual(["GET", "GET"]);
    expect([write1, write2].every((m) => m === "PUT" || m === "POST")).toBe(true);
    // the loser wrote nothing: no journal of its own
    const loserJournal = await env.lab.http.request({
      method: "GET",
      path: journalPath(loserPlan.id),
    });
    expect(loserJournal.status).toBe(404);

    // the winner runs on to its approval gate, holding and renewing the Lease
    await winner.reached({ type: "awaiting-approval" });
    expect((await readLease(env.lab)).holder).toBe(failed.holder);
    await cancelMigration(env.client, winnerPlan.id, { by: "test" });
    const end = await winner.ended;
    expect(end.outcome, end.stderr).toMatchObject({ failed: { tag: "Cancelled" } });
    const { topology } = await expectAtRest(winnerPlan, "RolledBack");
    expect(topology).toEqual({ mesh: true, reflectors: new Set(), reflectorPeers: false });
  }, 600_000);
});
