import type { CalicoClient } from "@calicokit/client";
import {
  type ControlPlane,
  type FaultProxy,
  type KubeHttp,
  startControlPlane,
  startFaultProxy,
} from "@calicokit/testkit";
import { calicoNodeAnnotations } from "@calicokit/types";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getMigration, planMigration, runMigration, WorkflowError } from "../../src/index.js";
import { ok } from "./support/KubeRequest.js";
import { connectThroughProxy, writesIn } from "./support/ProxiedClient.js";

// Scenarios 12, 14, 17 and 22 of the safety notes: the planner refuses with every reason, and a
// refused or stale plan changes nothing. No BGP runs here: a plan reads the API only, so a bare
// control plane of our own (no other test's Nodes in it) is the whole cluster.

const zoneLabel = "topology.kubernetes.io/zone";
const nodes = [
  { name: "node-1", zone: "zone-a", ipv4: "10.0.0.1" },
  { name: "node-2", zone: "zone-a", ipv4: "10.0.0.2" },
  { name: "node-3", zone: "zone-b", ipv4: "10.0.0.3" },
  { name: "node-4", zone: "zone-c", ipv4: "10.0.0.4" },
];
const peersPath = "/apis/projectcalico.org/v3/bgppeers";

interface StoredPeer {
  readonly metadata: { readonly resourceVersion: string; readonly labels?: Record<string, string> };
}

/** Sets (or, with null, removes) a Node's BGP address as calico-node's autodetection would. */
function setAddress(http: KubeHttp, node: string, ipv4: string | null) {
  return ok(
    http,
    "PATCH",
    `/api/v1/nodes/${node}`,
    {
      metadata: {
        annotations: { [calicoNodeAnnotations.ipv4Address]: ipv4 === null ? null : `${ipv4}/24` },
      },
    },
    true,
  );
}

async function refusal(promise: Promise<unknown>): Promise<WorkflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  return error as WorkflowError;
}

describe("plans the cluster is not fit for are refused, with the reason and the fix", () => {
  let cp: ControlPlane;
  let http: KubeHttp;
  let proxy: FaultProxy;
  let client: CalicoClient;

  beforeAll(async () => {
    cp = await startControlPlane({ calicoApi: "v3" });
    http = cp.http();
    for (const node of nodes) {
      // registered, but calico-node has not written a BGP address yet: BGP is not in use
      await ok(http, "POST", "/api/v1/nodes", {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: node.name, labels: { [zoneLabel]: node.zone } },
      });
    }
    proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    client = await connectThroughProxy(proxy, cp.admin.token);
  });

  afterAll(async () => {
    client?.close();
    await proxy?.stop();
    http?.close();
    await cp?.stop();
  });

  test("22: with BGP off (no node has a BGP address) nothing is planned", async () => {
    const before = proxy.requests.length;
    const error = await refusal(planMigration(client, { to: "route-reflectors", rrCount: 2 }));
    expect(error._tag).toBe("PlanRefused");
    expect(error.detail).toContain("bgp-off");
    expect(error.reasons.join("\n")).toMatch(/BGP is not in use.*nothing to migrate/);
    expect(writesIn(proxy.requests.slice(before))).toEqual([]);

    // the way back is refused too: there is no BGP to go back to
    const back = await refusal(planMigration(client, { to: "mesh" }));
    expect(back._tag).toBe("PlanRefused");

    for (const node of nodes) await setAddress(http, node.name, node.ipv4);
    const plan = await planMigration(client, { to: "route-reflectors", rrCount: 2 });
    expect(plan.from).toBe("mesh");
  });

  test("12: reflectors all in one zone are refused unless allowSingleZone is set", async () => {
    const before = proxy.requests.length;
    const request = { to: "route-reflectors", rrNodes: ["node-1", "node-2"] } as const;
    const error = await refusal(planMigration(client, request));
    expect(error._tag).toBe("PlanRefused");
    expect(error.reasons).toEqual([
      expect.stringMatching(/all route reflectors are in one zone \(zone-a\).*allowSingleZone/),
    ]);
    expect(error.message).toContain("fix what the reasons name");

    const overridden = await planMigration(client, { ...request, allowSingleZone: true });
    expect(overridden.routeReflectors.map((r) => [r.name, r.zone])).toEqual([
      ["node-1", "zone-a"],
      ["node-2", "zone-a"],
    ]);
    // chosen by count, the planner spreads them over zones instead
    const spread = await planMigration(client, { to: "route-reflectors", rrCount: 3 });
    expect(new Set(spread.routeReflectors.map((r) => r.zone)).size).toBe(3);
    expect(writesIn(proxy.requests.slice(before))).toEqual([]);
  });

  test("17: a BGP address two nodes share is refused before any write", async () => {
    await setAddress(http, "node-3", "10.0.0.1");
    try {
      const before = proxy.requests.length;
      const error = await refusal(
        planMigration(client, { to: "route-reflectors", rrNodes: ["node-1", "node-4"] }),
      );
      expect(error._tag).toBe("PlanRefused");
      expect(error.reasons).toEqual([
        expect.stringMatching(
          /nodes node-1 and node-3 both have BGP address 10\.0\.0\.1 \(projectcalico\.org\/IPv4Address\).*IP_AUTODETECTION_METHOD/,
        ),
      ]);
      expect(writesIn(proxy.requests.slice(before))).toEqual([]);
    } finally {
      await setAddress(http, "node-3", "10.0.0.3");
    }
  });

  test("17: a duplicate address that appears after planning stops the run before any write", async () => {
    const plan = await planMigration(client, {
      to: "route-reflectors",
      rrNodes: ["node-1", "node-4"],
    });
    await setAddress(http, "node-2", "10.0.0.4");
    try {
      const before = proxy.requests.length;
      const error = await refusal(runMigration(client, plan, { startedBy: "test" }));
      expect(error._tag).toBe("PlanRefused");
      expect(error.reasons.join("\n")).toContain("nodes node-2 and node-4 both have BGP address");
      const writes = writesIn(proxy.requests.slice(before));
      expect(writes.filter((w) => !w.path.includes("/leases"))).toEqual([]);
      expect((await refusal(getMigration(client, plan.id)))._tag).toBe("NotFound");
    } finally {
      await setAddress(http, "node-2", "10.0.0.2");
    }
  });

  test("14: a foreign BGPPeer with our name is a conflict; it is never adopted or changed", async () => {
    // someone applied the documented procedure's peer by hand: same name, not ours
    const foreign = await ok(http, "POST", peersPath, {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "node-peer-to-rr", labels: { team: "network" } },
      spec: { nodeSelector: "!has(route-reflector)", peerSelector: "has(route-reflector)" },
    });
    const stored = foreign.json<StoredPeer>();
    try {
      const before = proxy.requests.length;
      const error = await refusal(
        planMigration(client, { to: "route-reflectors", rrNodes: ["node-1", "node-3"] }),
      );
      expect(error._tag).toBe("PlanRefused");
      expect(error.reasons).toEqual([
        expect.stringMatching(
          /BGPPeer node-peer-to-rr exists and is not calicokit's .*does not adopt or overwrite it/,
        ),
      ]);
      expect(writesIn(proxy.requests.slice(before))).toEqual([]);
      const after = (await ok(http, "GET", `${peersPath}/node-peer-to-rr`)).json<StoredPeer>();
      expect(after.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
      expect(after.metadata.labels).toEqual({ team: "network" });
    } finally {
      await ok(http, "DELETE", `${peersPath}/node-peer-to-rr`);
    }
  });

  test("14: a foreign BGPPeer that appears after planning makes the plan stale: nothing is written", async () => {
    const plan = await planMigration(client, {
      to: "route-reflectors",
      rrNodes: ["node-1", "node-3"],
    });
    expect(plan.changes.filter((c) => c.kind === "BGPPeer").map((c) => c.name)).toEqual([
      "node-peer-to-rr",
      "rr-to-rr-peer",
    ]);
    await ok(http, "POST", peersPath, {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "rr-to-rr-peer" },
      spec: { nodeSelector: "has(route-reflector)", peerSelector: "has(route-reflector)" },
    });
    const peerBefore = (await ok(http, "GET", `${peersPath}/rr-to-rr-peer`)).json<StoredPeer>();
    try {
      const before = proxy.requests.length;
      const error = await refusal(runMigration(client, plan, { startedBy: "test" }));
      expect(error._tag).toBe("StalePlan");
      expect(error.reasons.join("\n")).toContain("BGPPeer rr-to-rr-peer");
      // the only writes are the run's Lease (taken, then released): no Calico object, no Node,
      // no journal
      const writes = writesIn(proxy.requests.slice(before));
      expect(writes.filter((w) => !w.path.includes("/leases"))).toEqual([]);
      const journal = await refusal(getMigration(client, plan.id));
      expect(journal._tag).toBe("NotFound");
      const peerAfter = (await ok(http, "GET", `${peersPath}/rr-to-rr-peer`)).json<StoredPeer>();
      expect(peerAfter.metadata.resourceVersion).toBe(peerBefore.metadata.resourceVersion);
      expect(peerAfter.metadata.labels).toBeUndefined();
    } finally {
      await ok(http, "DELETE", `${peersPath}/rr-to-rr-peer`);
    }
  });
});
