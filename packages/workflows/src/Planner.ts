import { type BgpPeer, parseGoDuration, parseSelector } from "@calicokit/types";
import type { ClusterSnapshot, PasswordSecretCheck, SnapshotNode } from "./ClusterSnapshot.js";
import { stepDefinitions } from "./internal/StepCatalog.js";
import type {
  ClusterTopology,
  MigrationPlan,
  PlannedChange,
  PlannedReflector,
  StepId,
} from "./MigrationPlan.js";
import { type MigrationRequest, migrationDefaults, ownershipLabels } from "./MigrationRequest.js";
import { chooseReflectors } from "./ReflectorChoice.js";
import { WorkflowError } from "./WorkflowError.js";

/**
 * What a session of the mesh carries that its replacement must carry too: the mesh's password
 * and graceful-restart time (BGPConfiguration `nodeMeshPassword`, `nodeMeshMaxRestartTime`), as a
 * BGPPeer names them. Calico forbids both on `default` while the mesh is off, so the move to
 * route reflectors puts them on the BGPPeers and removes them in the mesh switch; the way back
 * does the reverse. Without them the cluster's sessions would silently lose their password.
 */
export interface SessionSettings {
  readonly password?: NonNullable<BgpPeer["spec"]["password"]>;
  readonly maxRestartTime?: string;
}

function sessionSettings(
  password: SessionSettings["password"] | undefined,
  maxRestartTime: string | undefined,
): SessionSettings {
  return {
    ...(password !== undefined ? { password } : {}),
    ...(maxRestartTime !== undefined ? { maxRestartTime } : {}),
  };
}

/** The mesh's session settings, read from BGPConfiguration `default`. */
function meshSessionSettings(snapshot: ClusterSnapshot): SessionSettings {
  const spec = snapshot.bgpConfiguration?.spec;
  return sessionSettings(spec?.nodeMeshPassword, spec?.nodeMeshMaxRestartTime);
}

/** Same password, and the same restart time as Go reads it (`120s` is `2m0s`). */
function sameSettings(a: SessionSettings, b: SessionSettings): boolean {
  const restart = (s: SessionSettings) =>
    s.maxRestartTime === undefined ? null : (parseGoDuration(s.maxRestartTime) ?? s.maxRestartTime);
  return (
    JSON.stringify(a.password ?? null) === JSON.stringify(b.password ?? null) &&
    restart(a) === restart(b)
  );
}

function describeSettings(s: SessionSettings): string {
  const ref = s.password?.secretKeyRef;
  const password = ref === undefined ? "no password" : `password ${ref.name}/${ref.key}`;
  return `${password}, ${s.maxRestartTime === undefined ? "no maxRestartTime" : `maxRestartTime ${s.maxRestartTime}`}`;
}

/** A BGPPeer's session settings. */
function peerSessionSettings(peer: BgpPeer): SessionSettings {
  return sessionSettings(peer.spec.password, peer.spec.maxRestartTime);
}

/**
 * The two BGPPeers of the documented procedure, under calicokit's default names, carrying
 * `session` (the mesh's password and restart time when it has them).
 */
export function reflectorPeers(session: SessionSettings = {}): BgpPeer[] {
  const { key } = migrationDefaults.reflectorLabel;
  const peer = (name: string, nodeSelector: string): BgpPeer => ({
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: { name, labels: { ...ownershipLabels } },
    spec: { nodeSelector, peerSelector: `has(${key})`, ...session },
  });
  return [
    peer(migrationDefaults.clientPeerName, `!has(${key})`),
    peer(migrationDefaults.reflectorPeerName, `has(${key})`),
  ];
}

function isOurs(peer: BgpPeer): boolean {
  return Object.entries(ownershipLabels).every(([k, v]) => peer.metadata.labels?.[k] === v);
}

function meshEnabled(snapshot: ClusterSnapshot): boolean {
  return snapshot.bgpConfiguration?.spec.nodeToNodeMeshEnabled ?? true;
}

/** A node is a route reflector for calico-node when it has a cluster ID. */
function reflectorsOf(snapshot: ClusterSnapshot): SnapshotNode[] {
  return snapshot.nodes.filter((n) => n.clusterId !== null);
}

/**
 * Where the cluster stands: `mesh` (mesh on, no reflectors), `route-reflectors` (mesh off,
 * reflectors that clients peer with), `half-way` (mesh on with reflectors or our peers),
 * `custom` (mesh off without reflectors: peering is someone else's design), `bgp-off` (no node
 * has a BGP address).
 */
export function classifyTopology(snapshot: ClusterSnapshot): ClusterTopology {
  if (!snapshot.nodes.some((n) => n.ipv4 !== null || n.ipv6 !== null)) return "bgp-off";
  const reflectors = reflectorsOf(snapshot);
  const ourPeers = snapshot.peers.filter(isOurs);
  if (meshEnabled(snapshot)) {
    return reflectors.length === 0 && ourPeers.length === 0 ? "mesh" : "half-way";
  }
  if (reflectors.length === 0) return "custom";
  const clients = snapshot.nodes.filter((n) => n.clusterId === null);
  const served = clients.every((client) =>
    snapshot.peers.some((p) => reflectors.some((rr) => peersFrom(p, client, rr))),
  );
  return served ? "route-reflectors" : "custom";
}

function selects(selector: string, node: SnapshotNode): boolean {
  return parseSelector(selector).matches(node.labels);
}

/** Whether `peer` gives node `from` a session to node `to` (selected on its node and peer sides). */
function peersFrom(peer: BgpPeer, from: SnapshotNode, to: SnapshotNode): boolean {
  return (
    peer.spec.peerSelector !== undefined &&
    selects(peer.spec.nodeSelector ?? "all()", from) &&
    selects(peer.spec.peerSelector, to)
  );
}

/**
 * Whether calico-node peers every two of `reflectors` with each other: a BGPPeer selects one on
 * its node side and the other on its peer side (its reverse peering makes either order enough).
 * `marked`: with the reflector label the migration gives them.
 */
function reflectorsPeered(
  peers: readonly BgpPeer[],
  reflectors: readonly SnapshotNode[],
  options: { readonly marked: boolean },
): boolean {
  const { key, value } = migrationDefaults.reflectorLabel;
  const nodes = reflectors.map((n) =>
    options.marked ? { ...n, labels: { ...n.labels, [key]: value } } : n,
  );
  const peered = (a: SnapshotNode, b: SnapshotNode) =>
    peers.some((p) => peersFrom(p, a, b) || peersFrom(p, b, a));
  return nodes.every((a, i) => nodes.slice(i + 1).every((b) => peered(a, b)));
}

/** The BGPPeers once the plan's peer changes are made. */
function peersAfter(snapshot: ClusterSnapshot, builder: PlanBuilder): BgpPeer[] {
  const changed = builder.changes.filter((c) => c.kind === "BGPPeer");
  const kept = snapshot.peers.filter((p) => !changed.some((c) => c.name === p.metadata.name));
  const created = changed
    .filter((c) => c.after !== null)
    .map((c) => ({ metadata: { name: c.name }, spec: c.after?.spec }) as BgpPeer);
  return [...kept, ...created];
}

interface PlanContext {
  readonly id: string;
  readonly now: Date;
}

/**
 * Turns a request and one reading of the cluster into a plan, or refuses with every reason
 * (failures 3-5, 8, 11, 14, 17, 20, 22 of the safety notes). Pure: the same inputs give the
 * same plan.
 */
export function planFromSnapshot(
  snapshot: ClusterSnapshot,
  request: MigrationRequest,
  context: PlanContext,
): MigrationPlan {
  const from = classifyTopology(snapshot);
  const refusals: string[] = [];
  const warnings: string[] = [];
  if (from === "bgp-off") {
    refusals.push(
      "no node has a BGP address (projectcalico.org/IPv4Address or IPv6Address): BGP is not in use (VXLAN-only, or Installation bgp: Disabled); there is nothing to migrate",
    );
  }
  checkDuplicateAddresses(snapshot.nodes, refusals);
  checkCalicoVersion(snapshot.calicoVersion, refusals, warnings);
  if (snapshot.calicoApi === "crd.projectcalico.org/v1") {
    warnings.push(
      "only crd.projectcalico.org/v1 is served (no Calico API server): calicokit writes through it as calicoctl does (Calico's validation and defaulting client-side, v3 metadata in the projectcalico.org/metadata annotation)",
    );
  }
  checkPasswordSecrets(snapshot, refusals);
  const foreign = snapshot.peers.filter((p) => !isOurs(p));
  const external = foreign.filter((p) => p.spec.peerIP !== undefined);
  if (external.length > 0) {
    warnings.push(
      `${external.length} BGPPeer(s) with a peerIP (ToR / external: ${external.map((p) => p.metadata.name).join(", ")}) are left untouched`,
    );
  }
  const clusterId = request.clusterId ?? currentClusterId(snapshot) ?? migrationDefaults.clusterId;
  const podsByNode = workloadPods(snapshot.pods);
  // the pods a drain evicts, by node; undefined without a drain
  const evictable = request.drainReflectors
    ? workloadPods(snapshot.pods, { evictable: true })
    : undefined;

  const builder = new PlanBuilder(snapshot);
  let reflectors: SnapshotNode[] = [];
  const previous = reflectorsOf(snapshot);
  let to: ClusterTopology;
  if (request.to === "mesh") {
    to = "mesh";
    planToMesh(snapshot, builder, previous, refusals);
  } else {
    to = "route-reflectors";
    reflectors = pickReflectors(snapshot, request, podsByNode, refusals);
    checkReflectorSet(snapshot, request, reflectors, previous, clusterId, refusals);
    if (request.to === "route-reflectors") {
      if (from === "custom") {
        refusals.push(
          "the node-to-node mesh is off and no route reflectors serve the clients: this cluster peers in its own way (custom); calicokit will not change it",
        );
      }
      const extra = previous.filter((p) => !reflectors.some((r) => r.name === p.name));
      if (extra.length > 0) {
        refusals.push(
          `nodes ${extra.map((n) => n.name).join(", ")} are route reflectors already but not in the requested set: use a reflector-set migration to change the set`,
        );
      }
      planToReflectors(snapshot, builder, reflectors, clusterId, request, refusals, evictable);
    } else {
      if (from !== "route-reflectors") {
        refusals.push(
          `a reflector-set change needs a cluster on route reflectors; this one is ${from}: migrate to route reflectors first`,
        );
      }
      planReflectorSet(builder, reflectors, previous, clusterId, evictable);
    }
  }

  if (refusals.length > 0) {
    throw new WorkflowError(
      "PlanRefused",
      `calicokit refuses to plan this migration (${from} -> ${to})`,
      {
        reasons: refusals,
      },
    );
  }
  const plannedReflectors: PlannedReflector[] = reflectors.map((n) => ({
    name: n.name,
    zone: n.zone,
    ipv4: n.ipv4,
    ipv6: n.ipv6,
    pods: podsByNode.get(n.name) ?? [],
  }));
  const gapNodes =
    request.to === "mesh"
      ? previous.map((n) => ({ name: n.name, why: "leaves the reflector role and joins the mesh" }))
      : reflectors
          .filter((n) => n.clusterId !== clusterId)
          .map((n) => ({ name: n.name, why: "gets its cluster ID and leaves the mesh" }));
  const expectedGaps =
    builder.changes.length === 0
      ? []
      : gapNodes
          .map(({ name, why }) => ({
            node: name,
            pods: (podsByNode.get(name) ?? []).filter(
              (p) => !(evictable?.get(name) ?? []).includes(p),
            ),
            // BIRD's connect delay plus the reflector restarting its client sessions (lab: 1.3-3.3 s)
            seconds: 3,
            why: `${name} ${why}: its own block and its view of the other nodes drop for about BIRD's connect delay`,
          }))
          .filter((gap) => gap.pods.length > 0);
  for (const gap of expectedGaps) {
    warnings.push(
      `${gap.pods.length} pod(s) on ${gap.node} may lose routes for about ${gap.seconds} s (${gap.pods.slice(0, 5).join(", ")}${gap.pods.length > 5 ? ", ..." : ""}); choose reflector nodes without workloads to avoid it`,
    );
  }
  builder.finish();
  const steps = builder.steps(request.requireApproval === true);
  return {
    id: context.id,
    request,
    clusterId,
    from,
    to,
    nothingToDo: builder.changes.length === 0,
    routeReflectors: plannedReflectors,
    previousReflectors: previous.map((n) => n.name),
    reflectorsPeer: reflectorsPeered(peersAfter(snapshot, builder), reflectors, { marked: true }),
    previousReflectorsPeer: reflectorsPeered(snapshot.peers, previous, { marked: false }),
    families: families(snapshot),
    nodeCount: snapshot.nodes.length,
    steps: builder.changes.length === 0 ? [] : steps,
    changes: builder.changes,
    warnings,
    expectedGaps,
    createdAt: context.now.toISOString(),
  };
}

/**
 * The oldest Calico minor whose BGP behaviour calicokit models: the reference it is built from
 * (calico-bgp.md section 0) checks v3.30.0, v3.31 and v3.32.1 and the development branch.
 */
export const oldestModelledCalico = { major: 3, minor: 30 } as const;

/** Version skew (failure 16): another major or an older minor refuses, an unknown one warns. */
function checkCalicoVersion(version: string | null, refusals: string[], warnings: string[]) {
  const floor = `v${oldestModelledCalico.major}.${oldestModelledCalico.minor}`;
  if (version === null) {
    warnings.push(
      `the Calico version is unknown (ClusterInformation default has no calicoVersion): calicokit models Calico ${floor} and later; check it with kubectl get clusterinformations default -o yaml`,
    );
    return;
  }
  const parsed = /^v?(\d+)\.(\d+)/.exec(version);
  if (parsed === null) {
    warnings.push(
      `the Calico version ${version} (ClusterInformation default) is not vX.Y.Z: calicokit models Calico ${floor} and later and cannot tell whether this is one`,
    );
    return;
  }
  const major = Number(parsed[1]);
  const minor = Number(parsed[2]);
  if (major !== oldestModelledCalico.major) {
    refusals.push(
      `Calico ${version} (ClusterInformation default): calicokit models Calico v${oldestModelledCalico.major} (${floor} and later), whose resources and BGP rendering differ from other majors; migrate with that version's own tools, or upgrade Calico to ${floor} or later first`,
    );
  } else if (minor < oldestModelledCalico.minor) {
    refusals.push(
      `Calico ${version} (ClusterInformation default) is older than ${floor}, the oldest whose BGP behaviour calicokit models: upgrade Calico to ${floor} or later first`,
    );
  }
}

/**
 * BGP passwords (failure 9): each Secret that a session of the migration uses must exist in
 * calico-node's namespace and be readable by calico-node's ServiceAccount, or that session comes
 * up without its password (or not at all).
 */
function checkPasswordSecrets(snapshot: ClusterSnapshot, refusals: string[]) {
  const used = snapshot.passwordSecrets.filter(
    (s) =>
      s.usedBy.startsWith("BGPConfiguration") ||
      snapshot.peers.some(
        (p) => isOurs(p) && s.usedBy === `BGPPeer ${p.metadata.name} spec.password`,
      ),
  );
  for (const secret of used) refusals.push(...secretProblems(secret));
}

/** Why calico-node could not use the Secret, each with its fix; empty when it can. */
function secretProblems(secret: PasswordSecretCheck): string[] {
  const where = `${secret.usedBy} refers to Secret ${secret.namespace}/${secret.name || "(no name)"} key ${secret.key}`;
  if (secret.name === "")
    return [`${where}: the reference has no Secret name; set secretKeyRef.name`];
  if (secret.exists === false) {
    return [
      `${where}, which does not exist in calico-node's namespace ${secret.namespace}: create it there (kubectl -n ${secret.namespace} create secret generic ${secret.name} --from-literal=${secret.key}=...), or set calicoNodeNamespace if calico-node runs elsewhere`,
    ];
  }
  const problems: string[] = [];
  if (secret.exists === null) {
    problems.push(
      `${where}: calicokit may not read its metadata, so whether it exists is unknown; bind the calicokit-migration-secrets Role of deploy/rbac/migration.yaml in ${secret.namespace}`,
    );
  }
  const denied = secret.calicoNodeMay.filter((a) => !a.allowed).map((a) => a.verb);
  const subject = `${secret.namespace}:${secret.serviceAccount}`;
  if (denied.length > 0) {
    problems.push(
      `${where}, which ServiceAccount ${subject} (calico-node) may not ${denied.join("/")} (SubjectAccessReview): add a Role and RoleBinding, e.g. kubectl -n ${secret.namespace} create role bgp-secret-access --verb=get,list,watch --resource=secrets --resource-name=${secret.name} && kubectl -n ${secret.namespace} create rolebinding bgp-secret-access --role=bgp-secret-access --serviceaccount=${subject}`,
    );
  }
  return problems;
}

function currentClusterId(snapshot: ClusterSnapshot): string | undefined {
  return reflectorsOf(snapshot)[0]?.clusterId ?? undefined;
}

function families(snapshot: ClusterSnapshot): ("v4" | "v6")[] {
  const out: ("v4" | "v6")[] = [];
  if (snapshot.nodes.some((n) => n.ipv4 !== null)) out.push("v4");
  if (snapshot.nodes.some((n) => n.ipv6 !== null)) out.push("v6");
  return out;
}

/**
 * Pods with their own network that are not finished (hostNetwork pods do not use pod routes),
 * by node, as `namespace/name`; with `evictable`, only those a drain evicts (no DaemonSet pods).
 */
export function workloadPods(
  pods: ClusterSnapshot["pods"],
  options: { readonly evictable?: boolean } = {},
): Map<string, string[]> {
  const byNode = new Map<string, string[]>();
  for (const pod of pods) {
    if (pod.hostNetwork || pod.phase === "Succeeded" || pod.phase === "Failed") continue;
    if (options.evictable && pod.controllerKind === "DaemonSet") continue;
    byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), `${pod.namespace}/${pod.name}`]);
  }
  return byNode;
}

function checkDuplicateAddresses(nodes: readonly SnapshotNode[], refusals: string[]) {
  for (const family of ["ipv4", "ipv6"] as const) {
    const seen = new Map<string, string>();
    for (const node of nodes) {
      const address = node[family];
      if (address === null) continue;
      const other = seen.get(address);
      if (other !== undefined) {
        refusals.push(
          `nodes ${other} and ${node.name} both have BGP address ${address} (projectcalico.org/${family === "ipv4" ? "IPv4" : "IPv6"}Address): fix the autodetection (IP_AUTODETECTION_METHOD) first`,
        );
      }
      seen.set(address, node.name);
    }
  }
}

function pickReflectors(
  snapshot: ClusterSnapshot,
  request: MigrationRequest,
  podsByNode: ReadonlyMap<string, string[]>,
  refusals: string[],
): SnapshotNode[] {
  if (request.rrNodes !== undefined) {
    const picked: SnapshotNode[] = [];
    for (const name of request.rrNodes) {
      const node = snapshot.nodes.find((n) => n.name === name);
      if (node === undefined) {
        refusals.push(`rrNodes: node ${name} does not exist`);
      } else if (!node.ready) {
        refusals.push(`rrNodes: node ${name} is NotReady`);
      } else if (node.ipv4 === null && node.ipv6 === null) {
        refusals.push(`rrNodes: node ${name} has no BGP address (is calico-node running there?)`);
      } else {
        picked.push(node);
      }
    }
    return picked;
  }
  const count = request.rrCount ?? 0;
  const counts = new Map([...podsByNode].map(([node, pods]) => [node, pods.length]));
  const picked = chooseReflectors(snapshot.nodes, count, counts);
  if (picked.length < count) {
    refusals.push(
      `rrCount: ${count} route reflectors asked for, only ${picked.length} Ready BGP nodes exist`,
    );
  }
  return picked;
}

function checkReflectorSet(
  snapshot: ClusterSnapshot,
  request: MigrationRequest,
  reflectors: readonly SnapshotNode[],
  previous: readonly SnapshotNode[],
  clusterId: string,
  refusals: string[],
) {
  if (reflectors.length < 2 && request.allowSingleReflector !== true) {
    refusals.push(
      `${reflectors.length} route reflector(s): a single reflector is a single point of failure; use at least 2 (prefer 3), or set allowSingleReflector`,
    );
  }
  const zones = new Set(reflectors.map((n) => n.zone ?? ""));
  if (reflectors.length >= 2 && zones.size < 2 && request.allowSingleZone !== true) {
    refusals.push(
      `all route reflectors are in one zone (${[...zones][0] || "no topology.kubernetes.io/zone label"}): a zone outage takes every reflector; spread them, or set allowSingleZone`,
    );
  }
  if (reflectors.length >= snapshot.nodes.length && snapshot.nodes.length > 0) {
    refusals.push("every node would be a route reflector: leave at least one client");
  }
  const clients = snapshot.nodes.filter((n) => !reflectors.some((r) => r.name === n.name));
  const asOf = (n: SnapshotNode) => n.asNumber ?? "global";
  const reflectorAs = new Set(reflectors.map(asOf));
  const mixed = clients.filter((c) => !reflectorAs.has(asOf(c)) || reflectorAs.size > 1);
  if (mixed.length > 0) {
    refusals.push(
      `AS numbers differ between reflectors and clients (${mixed
        .map((n) => n.name)
        .slice(0, 5)
        .join(
          ", ",
        )}): route reflection needs one AS; make AS changes separately, never mixed with a topology change`,
    );
  }
  const otherIds = previous.filter((n) => n.clusterId !== clusterId);
  if (otherIds.length > 0) {
    refusals.push(
      `nodes ${otherIds.map((n) => `${n.name} (${n.clusterId})`).join(", ")} have another cluster ID than ${clusterId}: one shared ID needs every client to peer with every reflector; align the IDs first`,
    );
  }
  for (const wanted of reflectorPeers()) {
    const existing = snapshot.peers.find((p) => p.metadata.name === wanted.metadata.name);
    if (existing !== undefined && !isOurs(existing)) {
      refusals.push(
        `BGPPeer ${wanted.metadata.name} exists and is not calicokit's (no ${Object.keys(ownershipLabels)[0]}=calicokit label): calicokit does not adopt or overwrite it; rename or remove it, or label it if it is the same design`,
      );
    }
  }
}

/** Accumulates changes in step order. */
class PlanBuilder {
  readonly changes: PlannedChange[] = [];

  constructor(private readonly snapshot: ClusterSnapshot) {}

  add(change: PlannedChange) {
    this.changes.push(change);
  }

  markNodes(step: StepId, nodes: readonly SnapshotNode[], clusterId: string | null, why: string) {
    const { key, value } = migrationDefaults.reflectorLabel;
    const label = clusterId === null ? null : value;
    for (const node of nodes) {
      if (node.reflectorLabel === label && node.clusterId === clusterId) continue;
      this.add({
        step,
        kind: "Node",
        name: node.name,
        action: "patch",
        resourceVersion: node.resourceVersion,
        before: { label: node.reflectorLabel, clusterId: node.clusterId },
        after: { label, clusterId },
        why: `${why} (label ${key}${label === null ? " removed" : `=${label}`}, RouteReflectorClusterID ${clusterId ?? "removed"})`,
      });
    }
  }

  /** Changes that come after everything else (the uncordon at the end of a drain). */
  private readonly deferred: PlannedChange[] = [];

  /** Cordon the new reflectors and evict their pods now; uncordon them as the last step. */
  drain(
    reflectors: readonly SnapshotNode[],
    clusterId: string,
    evictable: ReadonlyMap<string, string[]>,
  ) {
    const fresh = reflectors.filter((n) => n.clusterId !== clusterId);
    for (const node of fresh) {
      this.add({
        step: "drain-reflectors",
        kind: "Node",
        name: node.name,
        action: "patch",
        resourceVersion: node.resourceVersion,
        before: { unschedulable: node.unschedulable },
        after: { unschedulable: true },
        why: "cordon: no new pod lands on the future reflector",
      });
      for (const pod of evictable.get(node.name) ?? []) {
        this.add({
          step: "drain-reflectors",
          kind: "Pod",
          name: pod,
          action: "delete",
          resourceVersion: null,
          before: { node: node.name },
          after: null,
          why: `evicted from ${node.name} (Eviction API, PodDisruptionBudgets honoured) so it feels no route gap`,
        });
      }
      this.deferred.push({
        step: "uncordon-reflectors",
        kind: "Node",
        name: node.name,
        action: "patch",
        resourceVersion: null,
        before: { unschedulable: true },
        after: { unschedulable: node.unschedulable },
        why: "the reflector's gap is over: it takes workloads again",
      });
    }
  }

  finish() {
    this.changes.push(...this.deferred.splice(0));
  }

  /**
   * Switches the mesh, moving its session settings with it: turned off, `default` loses
   * nodeMeshPassword and nodeMeshMaxRestartTime (Calico forbids them then; the BGPPeers carry
   * them); turned on, it gets `session` (the settings of the BGPPeers it replaces).
   */
  setMesh(step: StepId, enabled: boolean, why: string, session: SessionSettings = {}) {
    const config = this.snapshot.bgpConfiguration;
    const current = config?.spec.nodeToNodeMeshEnabled;
    if ((current ?? true) === enabled) return;
    const carried = enabled ? session : meshSessionSettings(this.snapshot);
    const fields = {
      ...(carried.password !== undefined ? { nodeMeshPassword: carried.password } : {}),
      ...(carried.maxRestartTime !== undefined
        ? { nodeMeshMaxRestartTime: carried.maxRestartTime }
        : {}),
    };
    const absent = Object.fromEntries(Object.keys(fields).map((k) => [k, null]));
    this.add({
      step,
      kind: "BGPConfiguration",
      name: "default",
      action: "patch",
      resourceVersion: config?.metadata.resourceVersion ?? null,
      before: { nodeToNodeMeshEnabled: current ?? null, ...(enabled ? absent : fields) },
      after: { nodeToNodeMeshEnabled: enabled, ...(enabled ? fields : absent) },
      why:
        Object.keys(fields).length === 0
          ? why
          : `${why}; ${Object.keys(fields).join(" and ")} ${enabled ? "come back from the BGPPeers" : "move onto the BGPPeers (Calico forbids them with the mesh off)"}`,
    });
  }

  steps(approval: boolean) {
    const used = new Set(this.changes.map((c) => c.step));
    return stepDefinitions
      .filter((d) => used.has(d.id) || d.whenPlanned?.(used, approval) === true)
      .map(({ id, title, why }) => ({ id, title, why }));
  }
}

function planToReflectors(
  snapshot: ClusterSnapshot,
  builder: PlanBuilder,
  reflectors: readonly SnapshotNode[],
  clusterId: string,
  request: MigrationRequest,
  refusals: string[],
  evictable: ReadonlyMap<string, string[]> | undefined,
) {
  if (snapshot.bgpConfiguration === null) {
    builder.add({
      step: "ensure-bgp-configuration",
      kind: "BGPConfiguration",
      name: "default",
      action: "create",
      resourceVersion: null,
      before: null,
      after: { nodeToNodeMeshEnabled: true },
      why: "BGPConfiguration default does not exist: create it with the mesh explicitly on, so turning it off later is one small patch",
    });
  }
  const session = meshSessionSettings(snapshot);
  for (const peer of reflectorPeers(session)) {
    const existing = snapshot.peers.find((p) => p.metadata.name === peer.metadata.name);
    if (existing !== undefined && isOurs(existing)) {
      // left by an earlier run: its sessions replace the mesh's, so they must match them
      if (meshEnabled(snapshot) && !sameSettings(peerSessionSettings(existing), session)) {
        refusals.push(
          `BGPPeer ${existing.metadata.name} (calicokit's, from an earlier run) does not carry the mesh's password and maxRestartTime (${describeSettings(session)}): its sessions would replace the mesh's with other settings; delete it (kubectl delete bgppeers.projectcalico.org ${existing.metadata.name}) and plan again`,
        );
      }
      continue;
    }
    builder.add({
      step: "create-peers",
      kind: "BGPPeer",
      name: peer.metadata.name as string,
      action: "create",
      resourceVersion: null,
      before: null,
      after: { spec: peer.spec, labels: peer.metadata.labels },
      why:
        peer.metadata.name === migrationDefaults.clientPeerName
          ? "every client peers with every route reflector (selects nothing until reflectors are labelled)"
          : "the route reflectors peer with each other",
    });
  }
  if (evictable !== undefined) builder.drain(reflectors, clusterId, evictable);
  builder.markNodes(
    "mark-route-reflectors",
    reflectors,
    clusterId,
    "becomes a route reflector; all reflectors are marked in one burst, so each of their new sessions is configured once",
  );
  builder.setMesh(
    "disable-mesh",
    false,
    "turn the node-to-node mesh off once every client has Established sessions to the reflectors",
  );
  if (request.requireApproval === true && !builder.changes.some((c) => c.step === "disable-mesh")) {
    refusals.push(
      "requireApproval: the mesh is already off, so there is no mesh disable to approve",
    );
  }
}

function planToMesh(
  snapshot: ClusterSnapshot,
  builder: PlanBuilder,
  previous: readonly SnapshotNode[],
  refusals: string[],
) {
  // the mesh takes over the sessions of calicokit's BGPPeers, with their settings
  const ours = snapshot.peers.filter(isOurs);
  const settings = ours.map(peerSessionSettings);
  if (settings.some((s) => !sameSettings(s, settings[0] ?? {}))) {
    refusals.push(
      `calicokit's BGPPeers ${ours.map((p) => p.metadata.name).join(", ")} carry different passwords or maxRestartTime (${settings.map(describeSettings).join("; ")}), and the mesh has one of each: make them the same, then plan again`,
    );
  }
  builder.setMesh(
    "enable-mesh",
    true,
    "turn the node-to-node mesh back on while the reflectors still serve",
    settings[0] ?? {},
  );
  builder.markNodes(
    "unmark-route-reflectors",
    previous,
    null,
    "stops being a route reflector and joins the mesh",
  );
  for (const peer of snapshot.peers.filter(isOurs)) {
    builder.add({
      step: "delete-peers",
      kind: "BGPPeer",
      name: peer.metadata.name as string,
      action: "delete",
      resourceVersion: peer.metadata.resourceVersion ?? null,
      before: { spec: peer.spec, labels: peer.metadata.labels ?? {} },
      after: null,
      why: "calicokit's route-reflector peering is no longer needed (other BGPPeers are left alone)",
    });
  }
}

function planReflectorSet(
  builder: PlanBuilder,
  reflectors: readonly SnapshotNode[],
  previous: readonly SnapshotNode[],
  clusterId: string,
  evictable: ReadonlyMap<string, string[]> | undefined,
) {
  if (evictable !== undefined) builder.drain(reflectors, clusterId, evictable);
  builder.markNodes(
    "mark-route-reflectors",
    reflectors,
    clusterId,
    "joins the reflector set before any reflector leaves, so clients keep >= 2 reflectors",
  );
  builder.markNodes(
    "unmark-route-reflectors",
    previous.filter((p) => !reflectors.some((r) => r.name === p.name)),
    null,
    "leaves the reflector set once clients are Established to the new reflectors",
  );
}

/**
 * What changed since the plan was made (R6): each planned change's object no longer in the
 * state the plan saw, and planned reflectors that are gone or NotReady. Empty: still current.
 */
export function planDrift(snapshot: ClusterSnapshot, plan: MigrationPlan): string[] {
  const drift: string[] = [];
  const written = new Map<string, Set<string>>();
  for (const change of plan.changes) {
    const key = `${change.kind}/${change.name}`;
    const fields = Object.keys(change.before ?? {});
    const earlier = written.get(key);
    written.set(key, new Set([...(earlier ?? []), ...Object.keys(change.after ?? {})]));
    // not compared with the live cluster: a "before" that an earlier change of the plan
    // produces, and pods (the drain re-reads them)
    if (change.kind === "Pod" || (earlier !== undefined && fields.every((f) => earlier.has(f)))) {
      continue;
    }
    const live = liveState(snapshot, change);
    if (JSON.stringify(live) !== JSON.stringify(expectedBefore(change))) {
      drift.push(
        `${change.kind} ${change.name}: planned against ${JSON.stringify(change.before)} (resourceVersion ${change.resourceVersion ?? "none"}), now ${JSON.stringify(live)}`,
      );
    }
  }
  for (const rr of plan.routeReflectors) {
    const node = snapshot.nodes.find((n) => n.name === rr.name);
    if (node === undefined || !node.ready) {
      drift.push(`route reflector ${rr.name} is ${node === undefined ? "gone" : "NotReady"}`);
    }
  }
  return drift;
}

// The part of `before` a drift check compares (a peer is compared by existence and ownership).
function expectedBefore(change: PlannedChange): unknown {
  if (change.kind === "BGPPeer") return change.before === null ? null : "ours";
  return change.before;
}

function liveState(snapshot: ClusterSnapshot, change: PlannedChange): unknown {
  switch (change.kind) {
    case "Node": {
      const node = snapshot.nodes.find((n) => n.name === change.name);
      if (node === undefined) return "absent";
      return "unschedulable" in (change.before ?? {})
        ? { unschedulable: node.unschedulable }
        : { label: node.reflectorLabel, clusterId: node.clusterId };
    }
    case "BGPPeer": {
      const peer = snapshot.peers.find((p) => p.metadata.name === change.name);
      return peer === undefined ? null : isOurs(peer) ? "ours" : "someone else's";
    }
    case "Pod":
      return change.before;
    case "BGPConfiguration": {
      const config = snapshot.bgpConfiguration;
      if (change.action === "create") return config === null ? null : "exists";
      const spec: Record<string, unknown> = { ...config?.spec };
      return Object.fromEntries(Object.keys(change.before ?? {}).map((k) => [k, spec[k] ?? null]));
    }
  }
}
