// The checks a crash test makes after every kill and every resume: does the journal's story
// (its events and step states) agree with what the cluster shows? The cluster is read with the
// lab's raw HTTP client and the real birdc, never through the workflow code under test.
import type { Lab, LabNodeStatus } from "@calicokit/lab";
import { expect } from "vitest";
import type {
  MigrationEvent,
  MigrationRecord,
  PlannedChange,
  StepId,
  StepState,
} from "../../src/index.js";
import { birdcBgp, waitUntil } from "../support/MigrationLab.js";

const reflectorLabel = "route-reflector";
const clusterIdAnnotation = "projectcalico.org/RouteReflectorClusterID";
const ownership = {
  "app.kubernetes.io/managed-by": "calicokit",
  "calicokit.io/component": "route-reflection",
};

async function getJson(lab: Lab, path: string): Promise<Record<string, unknown> | null> {
  const res = await lab.http.request({ method: "GET", path });
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  return res.json();
}

type Obj = {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
};

/** The part of the live object a planned change touches, in the plan's before/after shape. */
export async function liveSide(lab: Lab, change: PlannedChange): Promise<unknown> {
  switch (change.kind) {
    case "Node": {
      const node = (await getJson(lab, `/api/v1/nodes/${change.name}`)) as Obj | null;
      return {
        label: node?.metadata?.labels?.[reflectorLabel] ?? null,
        clusterId: node?.metadata?.annotations?.[clusterIdAnnotation] ?? null,
      };
    }
    case "BGPPeer": {
      const peer = (await getJson(
        lab,
        `/apis/projectcalico.org/v3/bgppeers/${change.name}`,
      )) as Obj | null;
      return peer === null ? null : { spec: peer.spec, labels: peer.metadata?.labels ?? {} };
    }
    case "BGPConfiguration": {
      const config = (await getJson(
        lab,
        "/apis/projectcalico.org/v3/bgpconfigurations/default",
      )) as Obj | null;
      if (change.action === "create")
        return config === null ? null : { nodeToNodeMeshEnabled: true };
      return { nodeToNodeMeshEnabled: config?.spec?.nodeToNodeMeshEnabled ?? null };
    }
    case "Pod":
      throw new Error("the crash tests plan no drain");
  }
}

/** Which side of its changes a step in this state has left in the cluster. */
function sidesOf(state: StepState): readonly ("before" | "after")[] {
  if (state === "succeeded") return ["after"];
  if (state === "pending" || state === "compensated") return ["before"];
  // cut short (running, failed) or half undone: each change is either, never anything else
  return ["before", "after"];
}

/**
 * Every planned object is in the state the journal's step says: untouched before its step ran
 * or after it was undone, changed after it succeeded, one or the other while it was cut short.
 */
export async function expectObjectsMatchJournal(lab: Lab, record: MigrationRecord) {
  for (const change of record.plan.changes) {
    const state = record.steps.find((s) => s.id === change.step)?.state ?? "pending";
    const live = await liveSide(lab, change);
    const allowed = sidesOf(state).map((side) => change[side]);
    expect(
      allowed.some((side) => JSON.stringify(side) === JSON.stringify(live)),
      `${change.kind} ${change.name} (step ${change.step} ${state}): live ${JSON.stringify(live)}, journal allows ${JSON.stringify(allowed)}`,
    ).toBe(true);
  }
}

/** What the API objects tell calico-node to run, read live. */
export async function liveTopology(lab: Lab, nodes: readonly LabNodeStatus[]) {
  const config = (await getJson(
    lab,
    "/apis/projectcalico.org/v3/bgpconfigurations/default",
  )) as Obj | null;
  const reflectors = new Set<string>();
  for (const node of nodes) {
    const core = (await getJson(lab, `/api/v1/nodes/${node.name}`)) as Obj;
    if (core.metadata?.annotations?.[clusterIdAnnotation] !== undefined) reflectors.add(node.name);
  }
  const peers = (await getJson(lab, "/apis/projectcalico.org/v3/bgppeers")) as {
    items: Obj[];
  };
  return {
    mesh: config?.spec?.nodeToNodeMeshEnabled !== false,
    reflectors,
    reflectorPeers:
      peers.items.length === 2 &&
      peers.items.every((p) =>
        Object.entries(ownership).every(([k, v]) => p.metadata?.labels?.[k] === v),
      ),
  };
}

/**
 * The Established BGP protocols each node's BIRD should show for that topology: with the mesh
 * on, a Mesh_ session between every two non-reflectors (a cluster ID takes a node out of the
 * mesh); with calicokit's peers, a Node_ session from every node to every reflector.
 */
function expectedSessions(
  nodes: readonly LabNodeStatus[],
  topology: Awaited<ReturnType<typeof liveTopology>>,
): Map<string, string[]> {
  const protocol = (prefix: string, node: LabNodeStatus) =>
    `${prefix}_${node.ipv4.replaceAll(".", "_")}`;
  const wanted = new Map<string, string[]>();
  for (const node of nodes) {
    const others = nodes.filter((n) => n !== node);
    const isReflector = topology.reflectors.has(node.name);
    const mesh =
      topology.mesh && !isReflector
        ? others.filter((n) => !topology.reflectors.has(n.name)).map((n) => protocol("Mesh", n))
        : [];
    const reflection = !topology.reflectorPeers
      ? []
      : others
          .filter((n) => isReflector || topology.reflectors.has(n.name))
          .map((n) => protocol("Node", n));
    wanted.set(node.name, [...mesh, ...reflection].sort());
  }
  return wanted;
}

/**
 * Every node's BIRD (read with birdc) follows the live API objects: exactly the sessions they
 * ask for, all Established. Waits, since calico-node (the lab's agent) and BIRD take seconds.
 */
export async function expectBirdFollowsCluster(lab: Lab, nodes: readonly LabNodeStatus[]) {
  const topology = await liveTopology(lab, nodes);
  const wanted = expectedSessions(nodes, topology);
  const actual = () =>
    new Map(
      nodes.map((n) => [
        n.name,
        birdcBgp(n)
          .filter((r) => r.established)
          .map((r) => r.name)
          .sort(),
      ]),
    );
  const agrees = () => {
    const now = actual();
    return nodes.every(
      (n) =>
        JSON.stringify(now.get(n.name)) === JSON.stringify(wanted.get(n.name)) &&
        birdcBgp(n).every((r) => r.established),
    );
  };
  await waitUntil(
    "BIRD follows the API objects",
    90_000,
    agrees,
    () =>
      `topology ${JSON.stringify({ ...topology, reflectors: [...topology.reflectors] })}\n` +
      nodes
        .map(
          (n) =>
            `${n.name}: wanted ${JSON.stringify(wanted.get(n.name))}, birdc ${JSON.stringify(birdcBgp(n))}`,
        )
        .join("\n"),
  );
  return topology;
}

/** The temporary CalicoNodeStatus objects of a run still in the cluster (R11: none at rest). */
export async function leftoverStatuses(lab: Lab, runId: string): Promise<string[]> {
  const list = (await getJson(
    lab,
    `/apis/projectcalico.org/v3/caliconodestatuses?labelSelector=${encodeURIComponent(`calicokit.io/run=${runId}`)}`,
  )) as { items: { metadata: { name: string } }[] };
  return list.items.map((i) => i.metadata.name);
}

/** A run's journal as stored (the ConfigMap), read raw. */
export async function readJournal(
  lab: Lab,
  runId: string,
): Promise<{ record: MigrationRecord; events: MigrationEvent[] }> {
  const map = (await getJson(
    lab,
    `/api/v1/namespaces/kube-system/configmaps/calicokit-${runId}`,
  )) as {
    data: { record: string; events: string };
  } | null;
  if (map === null) throw new Error(`no journal of ${runId}`);
  return { record: JSON.parse(map.data.record), events: JSON.parse(map.data.events) };
}

/** The migration Lease as stored: who holds it (undefined: released) and its transitions. */
export async function readLease(
  lab: Lab,
): Promise<{ holder: string | undefined; transitions: number }> {
  const lease = (await getJson(
    lab,
    "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/calicokit-migration",
  )) as { spec?: { holderIdentity?: string; leaseTransitions?: number } } | null;
  return {
    holder: lease?.spec?.holderIdentity,
    transitions: lease?.spec?.leaseTransitions ?? 0,
  };
}

/**
 * The promises a journal's history keeps however often the runner died: events numbered
 * 1, 2, 3... without a gap; steps succeed once each, in plan order; the mesh is never switched
 * off before the sessions to the reflectors were verified; compensations run in reverse, each
 * step undone at most once, only after it started.
 */
export function expectHistoryKeepsPromises(
  record: MigrationRecord,
  events: readonly MigrationEvent[],
) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const order = record.plan.steps.map((s) => s.id);
  const succeeded = events.flatMap((e) => (e.type === "step-succeeded" ? [e.step] : []));
  expect(succeeded).toEqual(order.slice(0, succeeded.length));
  const at = (type: MigrationEvent["type"], step: StepId) =>
    events.findIndex((e) => e.type === type && "step" in e && e.step === step);
  if (order.includes("disable-mesh") && at("step-started", "disable-mesh") >= 0) {
    expect(at("step-succeeded", "verify-sessions")).toBeGreaterThanOrEqual(0);
    expect(at("step-succeeded", "verify-sessions")).toBeLessThan(
      at("step-started", "disable-mesh"),
    );
  }
  const compensated = events.flatMap((e) => (e.type === "compensated" ? [e.step] : []));
  expect(new Set(compensated).size).toBe(compensated.length);
  const reverse = [...order].reverse();
  expect(compensated).toEqual(reverse.filter((s) => compensated.includes(s)));
  for (const step of compensated) {
    expect(at("step-started", step)).toBeLessThan(at("compensated", step));
  }
}
