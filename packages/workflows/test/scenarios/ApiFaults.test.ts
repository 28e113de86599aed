import type { CalicoClient } from "@calicokit/client";
import { type FaultProxy, startFaultProxy } from "@calicokit/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  getMigration,
  migrationDefaults,
  ownershipLabels,
  planMigration,
  runMigration,
} from "../../src/index.js";
import { type MigrationLab, startMigrationLab } from "../support/MigrationLab.js";
import { connectThroughProxy, writesIn } from "./support/ProxiedClient.js";
import { returnToMesh } from "./support/RunProbe.js";

// API faults during a migration (scenarios 2, 3, 4) and re-runs (scenario 15): the workflow's
// client talks to the lab's API server through testkit's fault proxy, which answers, holds or
// lies as each test scripts; the proxy's request log is what the assertions count.

const reflectors = ["node-4", "node-5", "node-6"];
const toReflectors = { to: "route-reflectors", rrNodes: reflectors } as const;
const peers = "/apis/projectcalico.org/v3/bgppeers";
const meshConfig = "/apis/projectcalico.org/v3/bgpconfigurations/default";

describe("API faults and re-runs, through the fault proxy (real BIRD behind)", () => {
  let env: MigrationLab;
  let proxy: FaultProxy;
  let client: CalicoClient;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-api-${process.pid % 1000}`, { nodes: 6, zones: 3 });
    const cp = env.lab.controlPlane;
    proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    client = await connectThroughProxy(proxy, cp.admin.token);
  });

  beforeEach(async () => {
    proxy.clear();
    await returnToMesh(env.client);
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await proxy?.stop();
    await env?.close();
  });

  /** The requests from `since` on whose method and path match. */
  function seen(since: number, method: string, path: string | RegExp) {
    return proxy.requests
      .slice(since)
      .filter(
        (r) =>
          r.method === method &&
          (typeof path === "string" ? r.path.split("?")[0] === path : path.test(r.path)),
      );
  }

  test("2: a Node patch that meets another writer's change (409) is re-read and re-applied small: their labels and annotations survive", async () => {
    const plan = await planMigration(client, toReflectors);
    const held = proxy.inject({
      method: "PATCH",
      path: "/api/v1/nodes/node-4",
      action: { kind: "hold" },
    });
    const since = proxy.requests.length;
    const run = runMigration(client, plan, { startedBy: "test" });
    await held.reached();
    // while our patch is in flight, someone else labels and annotates the same Node
    const other = await env.lab.http.request({
      method: "PATCH",
      path: "/api/v1/nodes/node-4",
      contentType: "application/merge-patch+json",
      body: {
        metadata: {
          labels: { "team.example.com/owner": "storage" },
          annotations: { "example.com/maintenance": "2026-12-01" },
        },
      },
    });
    expect(other.status).toBe(200);
    held.release();
    expect((await run).phase).toBe("Succeeded");

    // ours was refused on its stale resourceVersion, re-read and sent again
    expect(seen(since, "PATCH", "/api/v1/nodes/node-4").map((r) => r.status)).toEqual([409, 200]);
    const { node, kubernetes } = await env.client.nodes.get("node-4");
    expect(kubernetes.metadata.labels).toMatchObject({
      "team.example.com/owner": "storage",
      "route-reflector": "true",
    });
    expect(kubernetes.metadata.annotations).toMatchObject({
      "example.com/maintenance": "2026-12-01",
    });
    expect(node.spec.bgp?.routeReflectorClusterID).toBe(migrationDefaults.clusterId);
  }, 180_000);

  test("3: 429 with Retry-After on writes: the run waits as told and creates nothing twice", async () => {
    const plan = await planMigration(client, toReflectors);
    const throttled = proxy.inject({
      method: "POST",
      path: peers,
      action: { kind: "respond", status: 429, retryAfterSeconds: 2 },
    });
    // passes the next create through unchanged: it only marks when it arrived
    const retried = proxy.inject({ method: "POST", path: peers, action: { kind: "delay", ms: 0 } });
    const throttledMesh = proxy.inject({
      method: "PATCH",
      path: meshConfig,
      action: { kind: "respond", status: 429, retryAfterSeconds: 1 },
    });
    const at: { throttled?: number; retried?: number } = {};
    void throttled.reached().then(() => {
      at.throttled = Date.now();
    });
    void retried.reached().then(() => {
      at.retried = Date.now();
    });
    const since = proxy.requests.length;
    const record = await runMigration(client, plan, { startedBy: "test" });
    expect(record.phase).toBe("Succeeded");
    expect(throttledMesh.hits).toBe(1);

    // Retry-After: 2 was honoured (a little under, for when the two arrivals were noted)
    expect((at.retried ?? 0) - (at.throttled ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(seen(since, "POST", peers).map((r) => r.status)).toEqual([429, 201, 201]);
    expect(seen(since, "PATCH", meshConfig).map((r) => r.status)).toEqual([429, 200]);
    const names = (await env.client.bgpPeers.listAll()).items.map((p) => p.metadata.name).sort();
    expect(names).toEqual([migrationDefaults.clientPeerName, migrationDefaults.reflectorPeerName]);
  }, 180_000);

  test("4: a write that committed but answered 500 is read back, not repeated; 15: re-running at the target writes nothing", async () => {
    const plan = await planMigration(client, toReflectors);
    for (const path of [peers, "/api/v1/nodes/node-5", meshConfig]) {
      proxy.inject({
        method: path === peers ? "POST" : "PATCH",
        path,
        action: { kind: "failAfterCommit" },
      });
    }
    const since = proxy.requests.length;
    const record = await runMigration(client, plan, { startedBy: "test" });
    expect(record.phase).toBe("Succeeded");

    // the first create landed but was answered 500: the retry read it back and stopped there
    expect(seen(since, "POST", peers).map((r) => [r.fault ?? "", r.status])).toEqual([
      ["failAfterCommit", 500],
      ["", 201],
    ]);
    expect(
      seen(since, "GET", `${peers}/${migrationDefaults.clientPeerName}`).length,
    ).toBeGreaterThan(0);
    expect(seen(since, "PATCH", "/api/v1/nodes/node-5").map((r) => r.status)).toEqual([500]);
    expect(seen(since, "PATCH", meshConfig).map((r) => r.status)).toEqual([500]);
    const stored = await getMigration(client, plan.id);
    expect(stored.steps.every((s) => s.state === "succeeded")).toBe(true);

    // scenario 15: at the target, a new plan has nothing to do and running it writes nothing
    const again = await planMigration(client, toReflectors);
    expect(again).toMatchObject({ from: "route-reflectors", nothingToDo: true, changes: [] });
    const before = proxy.requests.length;
    expect((await runMigration(client, again, { startedBy: "test" })).phase).toBe("Succeeded");
    expect(writesIn(proxy.requests.slice(before))).toEqual([]);
  }, 180_000);

  test("15: a half-done migration (peers and reflectors there, mesh still on) is planned and run as the rest only", async () => {
    // what a run killed after marking the reflectors leaves behind
    for (const peer of [
      { name: migrationDefaults.clientPeerName, nodeSelector: "!has(route-reflector)" },
      { name: migrationDefaults.reflectorPeerName, nodeSelector: "has(route-reflector)" },
    ]) {
      await env.client.bgpPeers.create({
        apiVersion: "projectcalico.org/v3",
        kind: "BGPPeer",
        metadata: { name: peer.name, labels: { ...ownershipLabels } },
        spec: { nodeSelector: peer.nodeSelector, peerSelector: "has(route-reflector)" },
      });
    }
    for (const name of reflectors) {
      await env.client.nodes.setRouteReflector(name, {
        clusterId: migrationDefaults.clusterId,
        label: { key: "route-reflector", value: "true" },
      });
    }
    const plan = await planMigration(client, toReflectors);
    expect(plan.from).toBe("half-way");
    expect(plan.steps.map((s) => s.id)).toEqual([
      "verify-sessions",
      "disable-mesh",
      "verify-mesh-off",
    ]);
    expect(plan.changes.map((c) => `${c.kind} ${c.name}`)).toEqual(["BGPConfiguration default"]);
    const since = proxy.requests.length;
    expect((await runMigration(client, plan, { startedBy: "test" })).phase).toBe("Succeeded");
    // the only change to the cluster's networking is the mesh switch (journal, Lease and the
    // temporary CalicoNodeStatus objects aside)
    const bookkeeping = /\/(configmaps|leases|caliconodestatuses)(\/|$|\?)/;
    expect(
      writesIn(proxy.requests.slice(since))
        .filter((r) => !bookkeeping.test(r.path))
        .map((r) => `${r.method} ${r.path.split("?")[0]}`),
    ).toEqual([`PATCH ${meshConfig}`]);
  }, 180_000);
});
