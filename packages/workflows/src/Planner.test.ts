import type { BgpPeer } from "@calicokit/types";
import { describe, expect, test } from "vitest";
import type { ClusterSnapshot, PasswordSecretCheck, SnapshotNode } from "./ClusterSnapshot.js";
import type { MigrationRequest } from "./MigrationRequest.js";
import { classifyTopology, planDrift, planFromSnapshot, reflectorPeers } from "./Planner.js";
import { WorkflowError } from "./WorkflowError.js";

function node(index: number, zone: string, extra: Partial<SnapshotNode> = {}): SnapshotNode {
  return {
    name: `node-${index}`,
    resourceVersion: String(100 + index),
    labels: { "topology.kubernetes.io/zone": zone },
    reflectorLabel: null,
    clusterId: null,
    zone,
    ready: true,
    ipv4: `10.0.0.${index}`,
    ipv6: null,
    asNumber: null,
    unschedulable: false,
    ...extra,
  };
}

function cluster(nodes: SnapshotNode[], extra: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    nodes,
    bgpConfiguration: null,
    peers: [],
    pods: [],
    reflectorLabelKey: "route-reflector",
    calicoApi: "projectcalico.org/v3",
    calicoVersion: "v3.32.1",
    passwordSecrets: [],
    ...extra,
  };
}

const sixNodes = () => [1, 2, 3, 4, 5, 6].map((i) => node(i, `zone-${"abc"[(i - 1) % 3]}`));
const context = { id: "mig-test-000001", now: new Date("2026-11-30T20:00:00Z") };

function refusal(snapshot: ClusterSnapshot, request: MigrationRequest): string {
  try {
    planFromSnapshot(snapshot, request, context);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as WorkflowError)._tag).toBe("PlanRefused");
    return (error as WorkflowError).reasons.join("\n");
  }
  throw new Error("the plan was not refused");
}

/** The cluster as a finished route-reflector migration leaves it. */
function migrated(reflectors: number[]): ClusterSnapshot {
  const nodes = sixNodes().map((n, i) =>
    reflectors.includes(i + 1)
      ? {
          ...n,
          labels: { ...n.labels, "route-reflector": "true" },
          reflectorLabel: "true",
          clusterId: "244.0.0.1",
        }
      : n,
  );
  return cluster(nodes, {
    bgpConfiguration: {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPConfiguration",
      metadata: { name: "default", resourceVersion: "7" },
      spec: { nodeToNodeMeshEnabled: false },
    },
    peers: reflectorPeers().map((p) => ({
      ...p,
      metadata: { ...p.metadata, resourceVersion: "9" },
    })),
  });
}

describe("planFromSnapshot", () => {
  test("mesh -> route reflectors: ensure config, peers, marks, verify, mesh off, verify; each change says why", () => {
    const plan = planFromSnapshot(
      cluster(sixNodes()),
      { to: "route-reflectors", rrCount: 3 },
      context,
    );
    expect(plan.from).toBe("mesh");
    expect(plan.routeReflectors.map((r) => r.name)).toEqual(["node-1", "node-2", "node-3"]);
    expect(plan.steps.map((s) => s.id)).toEqual([
      "ensure-bgp-configuration",
      "create-peers",
      "mark-route-reflectors",
      "verify-sessions",
      "disable-mesh",
      "verify-mesh-off",
    ]);
    expect(
      plan.changes.map((c) => `${c.action} ${c.kind} ${c.name} @${c.resourceVersion}`),
    ).toEqual([
      "create BGPConfiguration default @null",
      "create BGPPeer node-peer-to-rr @null",
      "create BGPPeer rr-to-rr-peer @null",
      "patch Node node-1 @101",
      "patch Node node-2 @102",
      "patch Node node-3 @103",
      "patch BGPConfiguration default @null",
    ]);
    expect(plan.changes.every((c) => c.why.length > 10)).toBe(true);
    expect(plan.clusterId).toBe("244.0.0.1");
  });

  test("reflectors avoid nodes with workloads and say which pods would feel a gap when they cannot", () => {
    const pods = [1, 2, 3].map((i) => ({
      namespace: "default",
      name: `web-${i}`,
      node: `node-${i}`,
      hostNetwork: false,
      phase: "Running",
      controllerKind: null,
    }));
    const hostPod = {
      namespace: "kube-system",
      name: "calico-node-x",
      node: "node-4",
      hostNetwork: true,
      phase: "Running",
      controllerKind: "DaemonSet",
    };
    const free = planFromSnapshot(
      cluster(sixNodes(), { pods: [...pods, hostPod] }),
      { to: "route-reflectors", rrCount: 3 },
      context,
    );
    expect(free.routeReflectors.map((r) => r.name)).toEqual(["node-4", "node-5", "node-6"]);
    expect(free.expectedGaps).toEqual([]);
    const forced = planFromSnapshot(
      cluster(sixNodes(), { pods }),
      { to: "route-reflectors", rrNodes: ["node-1", "node-5"] },
      context,
    );
    expect(forced.expectedGaps.map((g) => [g.node, g.pods])).toEqual([
      ["node-1", ["default/web-1"]],
    ]);
    expect(forced.warnings.join("\n")).toContain("default/web-1");
  });

  test("an opt-in drain cordons the new reflectors, evicts their pods but DaemonSet ones, and uncordons last", () => {
    const pods = [
      {
        namespace: "default",
        name: "web",
        node: "node-1",
        hostNetwork: false,
        phase: "Running",
        controllerKind: "ReplicaSet",
      },
      {
        namespace: "kube-system",
        name: "agent",
        node: "node-1",
        hostNetwork: false,
        phase: "Running",
        controllerKind: "DaemonSet",
      },
    ];
    const plan = planFromSnapshot(
      cluster(sixNodes(), { pods }),
      { to: "route-reflectors", rrNodes: ["node-1", "node-5"], drainReflectors: true },
      context,
    );
    expect(plan.steps.map((s) => s.id)).toEqual([
      "ensure-bgp-configuration",
      "create-peers",
      "drain-reflectors",
      "mark-route-reflectors",
      "verify-sessions",
      "disable-mesh",
      "verify-mesh-off",
      "uncordon-reflectors",
    ]);
    expect(
      plan.changes.filter((c) => c.step === "drain-reflectors").map((c) => `${c.kind} ${c.name}`),
    ).toEqual(["Node node-1", "Pod default/web", "Node node-5"]);
    // only the DaemonSet pod stays, and it is the only one expected to feel the gap
    expect(plan.expectedGaps.map((g) => g.pods)).toEqual([["kube-system/agent"]]);
    expect(planDrift(cluster(sixNodes(), { pods }), plan)).toEqual([]);
  });

  test("refuses fewer than two reflectors, one zone, unknown or NotReady nodes, unless overridden where allowed", () => {
    expect(refusal(cluster(sixNodes()), { to: "route-reflectors", rrCount: 1 })).toContain(
      "allowSingleReflector",
    );
    expect(
      refusal(cluster(sixNodes()), { to: "route-reflectors", rrNodes: ["node-1", "node-4"] }),
    ).toContain("one zone");
    const allowed = planFromSnapshot(
      cluster(sixNodes()),
      { to: "route-reflectors", rrNodes: ["node-1", "node-4"], allowSingleZone: true },
      context,
    );
    expect(allowed.routeReflectors).toHaveLength(2);
    expect(
      refusal(cluster(sixNodes()), { to: "route-reflectors", rrNodes: ["node-1", "node-9"] }),
    ).toContain("node node-9 does not exist");
    const notReady = sixNodes().map((n) => (n.name === "node-2" ? { ...n, ready: false } : n));
    expect(
      refusal(cluster(notReady), { to: "route-reflectors", rrNodes: ["node-1", "node-2"] }),
    ).toContain("node-2 is NotReady");
  });

  test("refuses duplicate node addresses, mixed AS numbers, foreign objects with our names, and BGP off", () => {
    const dup = sixNodes().map((n) => (n.name === "node-5" ? { ...n, ipv4: "10.0.0.2" } : n));
    expect(refusal(cluster(dup), { to: "route-reflectors", rrCount: 3 })).toContain(
      "nodes node-2 and node-5 both have BGP address 10.0.0.2",
    );
    const as = sixNodes().map((n) => (n.name === "node-6" ? { ...n, asNumber: 65001 } : n));
    expect(
      refusal(cluster(as), { to: "route-reflectors", rrNodes: ["node-1", "node-2"] }),
    ).toContain("AS numbers differ");
    const foreign: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "node-peer-to-rr" },
      spec: { nodeSelector: "all()", peerSelector: "has(x)" },
    };
    expect(
      refusal(cluster(sixNodes(), { peers: [foreign] }), { to: "route-reflectors", rrCount: 3 }),
    ).toContain("BGPPeer node-peer-to-rr exists and is not calicokit's");
    const off = sixNodes().map((n) => ({ ...n, ipv4: null }));
    expect(refusal(cluster(off), { to: "route-reflectors", rrCount: 2 })).toContain(
      "BGP is not in use",
    );
  });

  test("a finished migration has nothing to do; the way back removes only calicokit's objects", () => {
    const done = migrated([1, 2, 3]);
    expect(classifyTopology(done)).toBe("route-reflectors");
    const again = planFromSnapshot(
      done,
      { to: "route-reflectors", rrNodes: ["node-1", "node-2", "node-3"] },
      context,
    );
    expect(again.nothingToDo).toBe(true);
    expect(again.steps).toEqual([]);
    const tor: BgpPeer = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "tor" },
      spec: { peerIP: "192.0.2.1", asNumber: 65000 },
    };
    const back = planFromSnapshot(
      { ...done, peers: [...done.peers, tor] },
      { to: "mesh" },
      context,
    );
    expect(back.steps.map((s) => s.id)).toEqual([
      "enable-mesh",
      "verify-mesh-on",
      "unmark-route-reflectors",
      "verify-final",
      "delete-peers",
    ]);
    expect(back.changes.filter((c) => c.kind === "BGPPeer").map((c) => c.name)).toEqual([
      "node-peer-to-rr",
      "rr-to-rr-peer",
    ]);
    expect(back.warnings.join("\n")).toContain("tor");
  });

  test("half-way (reflectors marked, mesh still on) verifies before it switches the mesh off", () => {
    const half = migrated([1, 2, 3]);
    const meshOn = {
      ...half,
      bgpConfiguration: { ...half.bgpConfiguration, spec: {} },
    } as ClusterSnapshot;
    expect(classifyTopology(meshOn)).toBe("half-way");
    const plan = planFromSnapshot(meshOn, { to: "route-reflectors", rrCount: 3 }, context);
    expect(plan.steps.map((s) => s.id)).toEqual([
      "verify-sessions",
      "disable-mesh",
      "verify-mesh-off",
    ]);
  });

  test("a reflector-set change adds before it removes", () => {
    const plan = planFromSnapshot(
      migrated([1, 2]),
      { to: "reflector-set", rrNodes: ["node-2", "node-3"] },
      context,
    );
    expect(plan.steps.map((s) => s.id)).toEqual([
      "mark-route-reflectors",
      "verify-sessions",
      "unmark-route-reflectors",
      "verify-final",
    ]);
    expect(plan.changes.map((c) => `${c.step} ${c.name}`)).toEqual([
      "mark-route-reflectors node-3",
      "unmark-route-reflectors node-1",
    ]);
  });

  test("reflectors are verified with each other only where a BGPPeer peers them", () => {
    // calicokit's own peers include reflectors-to-reflectors, also for nodes it will mark
    const toReflectors = planFromSnapshot(
      cluster(sixNodes()),
      { to: "route-reflectors", rrCount: 3 },
      context,
    );
    expect(toReflectors).toMatchObject({ reflectorsPeer: true, previousReflectorsPeer: true });
    expect(
      planFromSnapshot(
        migrated([1, 2]),
        { to: "reflector-set", rrNodes: ["node-2", "node-3"] },
        context,
      ),
    ).toMatchObject({ reflectorsPeer: true, previousReflectorsPeer: true });
    // a hand-made cluster with clients-to-reflectors only (as Calico's own e2e test builds it)
    const handMade = migrated([1, 2]);
    const clientsOnly = {
      ...handMade,
      peers: handMade.peers.filter((p) => p.metadata.name === "node-peer-to-rr"),
    };
    expect(planFromSnapshot(clientsOnly, { to: "mesh" }, context)).toMatchObject({
      previousReflectorsPeer: false,
    });
    expect(
      planFromSnapshot(
        clientsOnly,
        { to: "reflector-set", rrNodes: ["node-2", "node-3"] },
        context,
      ),
    ).toMatchObject({ reflectorsPeer: false, previousReflectorsPeer: false });
  });

  test("planDrift names each object that moved since the plan", () => {
    const snapshot = cluster(sixNodes());
    const plan = planFromSnapshot(snapshot, { to: "route-reflectors", rrCount: 2 }, context);
    expect(planDrift(snapshot, plan)).toEqual([]);
    const moved = {
      ...snapshot,
      nodes: snapshot.nodes.map((n) => (n.name === "node-1" ? { ...n, clusterId: "1.2.3.4" } : n)),
    };
    expect(planDrift(moved, plan).join("\n")).toContain("Node node-1");
  });
});

describe("preflight: Calico version and API group (failures 15, 16)", () => {
  const request: MigrationRequest = { to: "route-reflectors", rrCount: 2 };

  test("another major or a minor older than v3.30 is refused; an unknown version warns", () => {
    expect(refusal(cluster(sixNodes(), { calicoVersion: "v2.6.0" }), request)).toContain(
      "Calico v2.6.0 (ClusterInformation default): calicokit models Calico v3",
    );
    expect(refusal(cluster(sixNodes(), { calicoVersion: "v3.29.4" }), request)).toContain(
      "older than v3.30",
    );
    expect(
      planFromSnapshot(cluster(sixNodes(), { calicoVersion: "v3.30.0" }), request, context)
        .warnings,
    ).toEqual([]);
    const unknown = planFromSnapshot(
      cluster(sixNodes(), { calicoVersion: null }),
      request,
      context,
    );
    expect(unknown.warnings.join("\n")).toContain("the Calico version is unknown");
    const odd = planFromSnapshot(
      cluster(sixNodes(), { calicoVersion: "master" }),
      request,
      context,
    );
    expect(odd.warnings.join("\n")).toContain("master (ClusterInformation default) is not vX.Y.Z");
  });

  test("with only crd.projectcalico.org/v1 the plan says how it writes", () => {
    const plan = planFromSnapshot(
      cluster(sixNodes(), { calicoApi: "crd.projectcalico.org/v1" }),
      request,
      context,
    );
    expect(plan.warnings.join("\n")).toContain("only crd.projectcalico.org/v1 is served");
  });
});

describe("preflight: BGP password Secrets (failure 9)", () => {
  const secret = (over: Partial<PasswordSecretCheck> = {}): PasswordSecretCheck => ({
    name: "bgp-passwords",
    key: "peers",
    usedBy: "BGPPeer node-peer-to-rr spec.password",
    namespace: "kube-system",
    exists: true,
    serviceAccount: "calico-node",
    calicoNodeMay: ["get", "list", "watch"].map((verb) => ({ verb, allowed: true, reason: "" })),
    ...over,
  });
  const withPeerPassword = (check: PasswordSecretCheck) => {
    const snapshot = migrated([1, 2, 3]);
    return {
      ...snapshot,
      peers: snapshot.peers.map((p) => ({
        ...p,
        spec: { ...p.spec, password: { secretKeyRef: { name: check.name, key: check.key } } },
      })),
      passwordSecrets: [check],
    };
  };
  const change: MigrationRequest = { to: "reflector-set", rrNodes: ["node-1", "node-2", "node-4"] };

  test("a readable Secret of calicokit's peers passes", () => {
    expect(planFromSnapshot(withPeerPassword(secret()), change, context).nothingToDo).toBe(false);
  });

  test("calico-node's ServiceAccount without a Role is refused with the Role to add", () => {
    const denied = secret({
      calicoNodeMay: ["get", "list", "watch"].map((verb) => ({
        verb,
        allowed: verb === "get",
        reason: "",
      })),
    });
    const reasons = refusal(withPeerPassword(denied), change);
    expect(reasons).toContain(
      "refers to Secret kube-system/bgp-passwords key peers, which ServiceAccount kube-system:calico-node (calico-node) may not list/watch",
    );
    expect(reasons).toContain("kubectl -n kube-system create role bgp-secret-access");
    expect(reasons).toContain("--serviceaccount=kube-system:calico-node");
  });

  test("a missing Secret, or one whose existence cannot be read, is refused", () => {
    expect(refusal(withPeerPassword(secret({ exists: false })), change)).toContain(
      "which does not exist in calico-node's namespace kube-system",
    );
    expect(refusal(withPeerPassword(secret({ exists: null })), change)).toContain(
      "bind the calicokit-migration-secrets Role",
    );
  });

  test("someone else's peer's password is not the migration's concern", () => {
    const foreign = withPeerPassword(
      secret({ exists: false, usedBy: "BGPPeer tor spec.password" }),
    );
    expect(planFromSnapshot(foreign, change, context).nothingToDo).toBe(false);
  });
});

describe("the mesh's password and restart time move with the sessions", () => {
  const password = { secretKeyRef: { name: "bgp-passwords", key: "mesh" } };
  const withMeshSettings = () =>
    cluster(sixNodes(), {
      bgpConfiguration: {
        apiVersion: "projectcalico.org/v3",
        kind: "BGPConfiguration",
        metadata: { name: "default", resourceVersion: "5" },
        spec: { nodeMeshPassword: password, nodeMeshMaxRestartTime: "2m0s" },
      },
    });
  const meshSwitch = (plan: ReturnType<typeof planFromSnapshot>) =>
    plan.changes.find((c) => c.step === "disable-mesh" || c.step === "enable-mesh");

  test("to route reflectors: the BGPPeers carry them, the mesh switch removes them in the same patch", () => {
    const plan = planFromSnapshot(
      withMeshSettings(),
      { to: "route-reflectors", rrCount: 3 },
      context,
    );
    const peers = plan.changes.filter((c) => c.kind === "BGPPeer");
    expect(peers).toHaveLength(2);
    for (const peer of peers) {
      expect(peer.after?.spec).toMatchObject({ password, maxRestartTime: "2m0s" });
    }
    expect(meshSwitch(plan)).toMatchObject({
      step: "disable-mesh",
      before: {
        nodeToNodeMeshEnabled: null,
        nodeMeshPassword: password,
        nodeMeshMaxRestartTime: "2m0s",
      },
      after: { nodeToNodeMeshEnabled: false, nodeMeshPassword: null, nodeMeshMaxRestartTime: null },
    });
    expect(meshSwitch(plan)?.why).toContain(
      "nodeMeshPassword and nodeMeshMaxRestartTime move onto the BGPPeers",
    );
  });

  test("without them nothing extra is planned", () => {
    const plan = planFromSnapshot(
      cluster(sixNodes()),
      { to: "route-reflectors", rrCount: 3 },
      context,
    );
    for (const peer of plan.changes.filter((c) => c.kind === "BGPPeer")) {
      expect(Object.keys(peer.after?.spec as object).sort()).toEqual([
        "nodeSelector",
        "peerSelector",
      ]);
    }
    expect(meshSwitch(plan)?.after).toEqual({ nodeToNodeMeshEnabled: false });
  });

  test("back to the mesh: it gets the settings of calicokit's BGPPeers back", () => {
    const snapshot = migrated([1, 2, 3]);
    const carried = {
      ...snapshot,
      peers: snapshot.peers.map((p) => ({
        ...p,
        spec: { ...p.spec, password, maxRestartTime: "2m0s" },
      })),
    };
    const plan = planFromSnapshot(carried, { to: "mesh" }, context);
    expect(meshSwitch(plan)).toMatchObject({
      step: "enable-mesh",
      before: {
        nodeToNodeMeshEnabled: false,
        nodeMeshPassword: null,
        nodeMeshMaxRestartTime: null,
      },
      after: {
        nodeToNodeMeshEnabled: true,
        nodeMeshPassword: password,
        nodeMeshMaxRestartTime: "2m0s",
      },
    });
    // peers that disagree cannot become one mesh setting
    const [first, second] = carried.peers;
    const split = {
      ...carried,
      peers: [first, { ...second, spec: { ...second?.spec, password: undefined } }],
    };
    expect(refusal(split as ClusterSnapshot, { to: "mesh" })).toContain(
      "carry different passwords or maxRestartTime (password bgp-passwords/mesh, maxRestartTime 2m0s; no password, maxRestartTime 2m0s)",
    );
  });

  test("a half-way cluster whose calicokit peers lack the mesh's password is refused, naming the peer", () => {
    const snapshot = withMeshSettings();
    const halfWay = {
      ...snapshot,
      peers: reflectorPeers({ maxRestartTime: "2m0s" }).map((p) => ({
        ...p,
        metadata: { ...p.metadata, resourceVersion: "9" },
      })),
    };
    const reasons = refusal(halfWay, { to: "route-reflectors", rrCount: 3 });
    expect(reasons).toContain(
      "BGPPeer node-peer-to-rr (calicokit's, from an earlier run) does not carry the mesh's password and maxRestartTime (password bgp-passwords/mesh, maxRestartTime 2m0s)",
    );
    // with the same settings (a duration as Go reads it) it goes on where the earlier run stopped
    const same = { ...halfWay, peers: reflectorPeers({ password, maxRestartTime: "120s" }) };
    expect(
      planFromSnapshot(same, { to: "route-reflectors", rrCount: 3 }, context).changes.some(
        (c) => c.kind === "BGPPeer",
      ),
    ).toBe(false);
  });

  test("a password changed since the plan is drift", () => {
    const snapshot = withMeshSettings();
    const plan = planFromSnapshot(snapshot, { to: "route-reflectors", rrCount: 3 }, context);
    expect(planDrift(snapshot, plan)).toEqual([]);
    const changed = {
      ...snapshot,
      bgpConfiguration: {
        ...(snapshot.bgpConfiguration as NonNullable<ClusterSnapshot["bgpConfiguration"]>),
        spec: { nodeMeshPassword: { secretKeyRef: { name: "other", key: "mesh" } } },
      },
    };
    expect(planDrift(changed, plan).join("\n")).toContain(
      "BGPConfiguration default: planned against",
    );
  });
});
