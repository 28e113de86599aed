import type { BgpSnapshot, SnapshotBgpConfigurationSpec } from "./BgpSnapshot.js";
import type { IpFamily } from "./IpFamily.js";
import {
  type ClusterFacts,
  clusterFacts,
  compareStrings,
  type NodeFacts,
} from "./internal/bird/ClusterFacts.js";
import { durationField, expandPeerings, type Peering } from "./internal/bird/PeeringExpansion.js";
import { ipForProtocolName } from "./internal/bird/ProtocolName.js";

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/** Where a session comes from; also the BIRD protocol name prefix and the CalicoNodeStatus type. */
export type BgpSessionKind = "Mesh" | "Global" | "Node";

/**
 * One BIRD `protocol bgp`, with every option calico-node would render for it. Hold time is never
 * set by Calico (BIRD's default: hold 240 s, keepalive 80 s).
 */
export interface BgpSession {
  /** `Mesh_<ip>`, `Global_<ip>` or `Node_<ip>`, `.`/`:` as `_`, plus `_port_<p>` with a port. */
  readonly name: string;
  readonly kind: BgpSessionKind;
  readonly peerIP: string;
  /** Remote port; undefined means BIRD's 179. */
  readonly port: number | undefined;
  readonly peerASNumber: number;
  /** A per-peer `local as` (BGPPeer `localASNumber`); the node AS otherwise. */
  readonly localASNumber: number | undefined;
  readonly sourceAddress: string | undefined;
  /** GTSM hop count (`ttl security on; multihop N;`); undefined: `ttl security off; multihop;`. */
  readonly ttlSecurityHops: number | undefined;
  readonly passive: boolean;
  readonly routeReflectorClient: boolean;
  /** This node's cluster ID, rendered as `rr cluster id` when `routeReflectorClient`. */
  readonly rrClusterId: string | undefined;
  readonly gracefulRestartTime: number | undefined;
  readonly keepaliveTime: number | undefined;
  readonly password: string | undefined;
  readonly nextHopSelf: boolean;
  readonly nextHopKeep: boolean;
  readonly allowLocalAS: number | undefined;
  /** Peer AS equals the effective local AS: the export filter treats it as iBGP. */
  readonly internalPeer: boolean;
  /** BGPFilter names, in order (recorded; BGPFilter rules are not rendered). */
  readonly filters: readonly string[];
  /** The Calico node at the other end, when known. */
  readonly peerNode: string | undefined;
  /** `node-to-node mesh` or `BGPPeer <name>`. */
  readonly origin: string;
}

/** An IPAM block affine to the node, advertised as a whole. */
export interface AffineBlock {
  readonly cidr: string;
  /** BlockAffinity state; "" counts as confirmed, `pendingDeletion` is no longer advertised. */
  readonly state: string;
}

/** Who programs an IP pool's cluster routes into the kernel. */
export type PoolRouteProgramming = "bird" | "felix" | "vxlan";

/** How one IP pool shapes the BGP export and kernel filters. */
export interface PoolRouting {
  readonly cidr: string;
  /** False when `disableBGPExport`: the pool's routes are never sent to peers. */
  readonly bgpExport: boolean;
  readonly kernel: PoolRouteProgramming;
  /** ipipMode Always or CrossSubnet. */
  readonly ipip: boolean;
}

/** A `prefixAdvertisements` entry with its communities resolved to `a:b` / `a:b:c` values. */
export interface CommunityAdvertisement {
  readonly cidr: string;
  readonly communities: readonly string[];
}

/** The per-family part of a node's BGP (one BIRD daemon: `bird` for IPv4, `bird6` for IPv6). */
export interface NodeBgpFamily {
  readonly family: IpFamily;
  /** The node's address in this family; undefined disables BGP for the family. */
  readonly nodeIP: string | undefined;
  /** `listen bgp address` (BGPConfiguration default `bindMode: NodeIP`). */
  readonly listenAddress: string | undefined;
  /** Sorted by name, as calico-node renders them. */
  readonly sessions: readonly BgpSession[];
  readonly blocks: readonly AffineBlock[];
  readonly pools: readonly PoolRouting[];
  readonly communities: readonly CommunityAdvertisement[];
  /** `/32` (`/128`) static routes to BGPPeers with `reachableBy`. */
  readonly peerRoutes: readonly { readonly ip: string; readonly via: string }[];
  readonly normalRoutePriority: number;
}

/** BIRD debug level calico-node derives from `logSeverityScreen`. */
export type BirdLogLevel = "debug" | "info" | "none";

/** Everything calico-node's confd computes for one node before rendering BIRD config. */
export interface NodeBgp {
  readonly nodeName: string;
  /** The node's IPv4 (also for bird6, since a router id is 4 octets). */
  readonly routerId: string | undefined;
  readonly asNumber: number;
  readonly rrClusterId: string | undefined;
  readonly listenPort: number | undefined;
  readonly logLevel: BirdLogLevel;
  readonly ignoredInterfaces: readonly string[];
  /** Felix programs IPIP routes (default), so iBGP export also rejects routes via `tunl0`. */
  readonly felixProgramsIpipRoutes: boolean;
  readonly ipv4: NodeBgpFamily;
  readonly ipv6: NodeBgpFamily;
  /** What was ignored or not modelled, in words an operator can act on. */
  readonly warnings: readonly string[];
}

/**
 * The node asked for is not in the snapshot.
 * @example
 * ```ts
 * const snapshot: BgpSnapshot = { nodes: [{ metadata: { name: "n1" }, spec: {} }] };
 * try {
 *   computeNodeBgp(snapshot, "missing");
 * } catch (error) {
 *   if (error instanceof BgpNodeNotFoundError) console.error(error.knownNodes);
 * }
 * ```
 */
export class BgpNodeNotFoundError extends Error {
  readonly _tag = "BgpNodeNotFoundError";
  constructor(
    readonly nodeName: string,
    readonly knownNodes: readonly string[],
  ) {
    super(
      `Node ${JSON.stringify(nodeName)} is not in the BGP snapshot (nodes: ${knownNodes.join(", ") || "none"}); add its Calico Node to snapshot.nodes.`,
    );
  }
}

/**
 * Computes every node's BGP sessions and advertised routes as calico-node's confd does (mesh,
 * explicit and reverse BGPPeer peerings, route-reflector and passive rules, pools and blocks).
 * Prefer this over calling {@link computeNodeBgp} per node: BGPPeers are expanded once.
 *
 * @example
 * ```ts
 * const all = computeClusterBgp({
 *   nodes: [
 *     { metadata: { name: "n1" }, spec: { bgp: { ipv4Address: "10.0.0.1/24" } } },
 *     { metadata: { name: "n2" }, spec: { bgp: { ipv4Address: "10.0.0.2/24" } } },
 *   ],
 * });
 * all.get("n1")?.ipv4.sessions.map((s) => s.name); // ["Mesh_10_0_0_2"]
 * ```
 */
export function computeClusterBgp(snapshot: BgpSnapshot): ReadonlyMap<string, NodeBgp> {
  return computeSome(snapshot, (facts) => facts.nodes.map((node) => node.name));
}

/**
 * Computes the named nodes' BGP as `computeNodeBgp` does, reading the cluster once for all of
 * them (a few nodes of a large cluster, where `computeClusterBgp` would compute every node's
 * full mesh). Names not in the snapshot are left out of the result.
 *
 * @example
 * ```ts
 * const some = computeNodesBgp(
 *   {
 *     nodes: [
 *       { metadata: { name: "n1" }, spec: { bgp: { ipv4Address: "10.0.0.1/24" } } },
 *       { metadata: { name: "n2" }, spec: { bgp: { ipv4Address: "10.0.0.2/24" } } },
 *       { metadata: { name: "n3" }, spec: { bgp: { ipv4Address: "10.0.0.3/24" } } },
 *     ],
 *   },
 *   ["n1", "gone"],
 * );
 * [...some.keys()]; // ["n1"]
 * some.get("n1")?.ipv4.sessions.length; // 2
 * ```
 */
export function computeNodesBgp(
  snapshot: BgpSnapshot,
  nodeNames: readonly string[],
): ReadonlyMap<string, NodeBgp> {
  return computeSome(snapshot, () => nodeNames);
}

function computeSome(
  snapshot: BgpSnapshot,
  names: (facts: ClusterFacts) => readonly string[],
): Map<string, NodeBgp> {
  const warnings: string[] = [];
  const facts = clusterFacts(snapshot);
  const peerings = expandPeerings(facts, snapshot, warnings);
  const result = new Map<string, NodeBgp>();
  for (const name of names(facts)) {
    if (facts.byName.has(name)) {
      result.set(name, nodeBgp(facts, peerings, snapshot, name, warnings));
    }
  }
  return result;
}

/**
 * Computes one node's BGP sessions and advertised routes as calico-node's confd does.
 * Throws {@link BgpNodeNotFoundError} when the node is not in the snapshot.
 *
 * @example
 * ```ts
 * const n1 = computeNodeBgp(
 *   {
 *     nodes: [
 *       { metadata: { name: "n1" }, spec: { bgp: { ipv4Address: "10.0.0.9" } } },
 *       { metadata: { name: "n2" }, spec: { bgp: { ipv4Address: "10.0.0.10" } } },
 *     ],
 *   },
 *   "n1",
 * );
 * n1.ipv4.sessions[0]?.passive; // false: "10.0.0.10" < "10.0.0.9" as strings, so n1 connects
 * ```
 */
export function computeNodeBgp(snapshot: BgpSnapshot, nodeName: string): NodeBgp {
  const warnings: string[] = [];
  const facts = clusterFacts(snapshot);
  if (!facts.byName.has(nodeName)) {
    throw new BgpNodeNotFoundError(
      nodeName,
      facts.nodes.map((node) => node.name),
    );
  }
  const peerings = expandPeerings(facts, snapshot, warnings);
  return nodeBgp(facts, peerings, snapshot, nodeName, warnings);
}

function nodeBgp(
  facts: ClusterFacts,
  peerings: ReturnType<typeof expandPeerings>,
  snapshot: BgpSnapshot,
  nodeName: string,
  expansionWarnings: readonly string[],
): NodeBgp {
  const node = facts.byName.get(nodeName);
  if (node === undefined) throw new BgpNodeNotFoundError(nodeName, [...facts.byName.keys()]);
  const warnings = [...facts.warnings, ...expansionWarnings];
  const defaults = facts.defaultConfig;
  const nodeConfig = facts.nodeConfigs.get(nodeName);
  const programClusterRoutes = clusterRoutePolicy(defaults.programClusterRoutes, warnings);

  if (hasEntries(defaults.serviceClusterIPs) || hasEntries(defaults.serviceExternalIPs)) {
    warnings.push(
      "Service IP advertisement (serviceClusterIPs/serviceExternalIPs/serviceLoadBalancerIPs) is not modelled; those ranges are not exported.",
    );
  } else if (hasEntries(defaults.serviceLoadBalancerIPs)) {
    warnings.push(
      "Service IP advertisement (serviceLoadBalancerIPs) is not modelled; those ranges are not exported.",
    );
  }

  const context: NodeContext = { facts, snapshot, node, warnings, programClusterRoutes };
  const family = (ipVersion: IpFamily): NodeBgpFamily => {
    const nodeIP = ipVersion === 4 ? node.ipv4 : node.ipv6;
    const sessions =
      nodeIP === undefined
        ? []
        : [
            ...meshSessions(context, ipVersion, nodeIP),
            ...explicitSessions(context, "Global", peerings.global, ipVersion, nodeIP),
            ...explicitSessions(
              context,
              "Node",
              peerings.byNode.get(nodeName) ?? new Map(),
              ipVersion,
              nodeIP,
            ),
          ].sort((a, b) => compareStrings(a.name, b.name));
    const peerRoutes = [
      ...peerings.global.values(),
      ...(peerings.byNode.get(nodeName)?.values() ?? []),
    ]
      .filter((peering) => peering.reachableBy !== undefined && peering.family === ipVersion)
      .map((peering) => ({ ip: peering.ip, via: peering.reachableBy ?? "" }));
    return {
      family: ipVersion,
      nodeIP,
      listenAddress: defaults.bindMode === "NodeIP" ? nodeIP : undefined,
      sessions,
      blocks: affineBlocks(snapshot, nodeName, ipVersion),
      pools: poolRouting(context, ipVersion),
      communities: communityAdvertisements(nodeConfig ?? {}, defaults, ipVersion),
      peerRoutes,
      normalRoutePriority:
        (ipVersion === 4 ? defaults.ipv4NormalRoutePriority : defaults.ipv6NormalRoutePriority) ??
        1024,
    };
  };

  const ipv4 = family(4);
  const ipv6 = family(6);
  return {
    nodeName,
    routerId: node.ipv4,
    asNumber: node.asNumber,
    rrClusterId: node.rrClusterId === "" ? undefined : node.rrClusterId,
    listenPort: node.listenPort ?? facts.globalListenPort,
    logLevel: birdLogLevel(nodeConfig?.logSeverityScreen || defaults.logSeverityScreen),
    ignoredInterfaces: defaults.ignoredInterfaces ?? [],
    felixProgramsIpipRoutes: !programClusterRoutes.ipip,
    ipv4,
    ipv6,
    warnings: [...new Set(warnings)],
  };
}

interface NodeContext {
  readonly facts: ClusterFacts;
  readonly snapshot: BgpSnapshot;
  readonly node: NodeFacts;
  readonly warnings: string[];
  readonly programClusterRoutes: ClusterRoutePolicy;
}

/**
 * Mesh sessions: none on a route reflector or when the mesh is off; otherwise one per other node
 * with an address in this family that is not a route reflector. The node whose IP is smaller as
 * a string waits (passive), the other connects.
 */
function meshSessions(context: NodeContext, family: IpFamily, nodeIP: string): BgpSession[] {
  const { facts, node } = context;
  if (node.rrClusterId !== "" || !facts.meshEnabled) return [];
  const defaults = facts.defaultConfig;
  const password = secretValue(
    context,
    defaults.nodeMeshPassword?.secretKeyRef,
    "BGPConfiguration default spec.nodeMeshPassword",
  );
  const gracefulRestartTime = durationField(
    defaults.nodeMeshMaxRestartTime,
    "BGPConfiguration default spec.nodeMeshMaxRestartTime",
    context.warnings,
  );
  const sessions: BgpSession[] = [];
  for (const other of facts.nodes) {
    const peerIP = family === 4 ? other.ipv4 : other.ipv6;
    if (peerIP === undefined || peerIP === nodeIP || other.rrClusterId !== "") continue;
    sessions.push({
      name: `Mesh_${ipForProtocolName(peerIP)}`,
      kind: "Mesh",
      peerIP,
      port: other.listenPort ?? facts.globalListenPort,
      peerASNumber: other.asNumber,
      localASNumber: undefined,
      sourceAddress: nodeIP,
      ttlSecurityHops: undefined,
      passive: peerIP > nodeIP,
      routeReflectorClient: false,
      rrClusterId: undefined,
      gracefulRestartTime,
      keepaliveTime: undefined,
      password,
      nextHopSelf: false,
      nextHopKeep: false,
      allowLocalAS: undefined,
      internalPeer: other.asNumber === node.asNumber,
      filters: [],
      peerNode: other.name,
      origin: "node-to-node mesh",
    });
  }
  return sessions;
}

/** Global_ or Node_ sessions from expanded BGPPeers (confd's `buildPeerFromData`). */
function explicitSessions(
  context: NodeContext,
  kind: "Global" | "Node",
  peerings: ReadonlyMap<string, Peering>,
  family: IpFamily,
  nodeIP: string,
): BgpSession[] {
  const { node } = context;
  const sessions: BgpSession[] = [];
  for (const peering of peerings.values()) {
    // Sessions to ourselves are dropped here, e.g. an RR selected by its own BGPPeer.
    if (peering.family !== family || peering.ip === nodeIP) continue;
    const effectiveAS = peering.localASNumber || node.asNumber;
    const internalPeer = peering.asNumber === effectiveAS;
    // On a route reflector, an iBGP peer is a client unless it is an RR of the same cluster.
    const routeReflectorClient =
      internalPeer && node.rrClusterId !== "" && peering.rrClusterId !== node.rrClusterId;
    sessions.push({
      name: `${kind}_${ipForProtocolName(peering.ip)}${peering.port > 0 ? `_port_${peering.port}` : ""}`,
      kind,
      peerIP: peering.ip,
      port: peering.port > 0 ? peering.port : undefined,
      peerASNumber: peering.asNumber,
      localASNumber: peering.localASNumber || undefined,
      sourceAddress: peering.sourceAddress === "UseNodeIP" ? nodeIP : undefined,
      ttlSecurityHops: peering.ttlSecurity > 0 ? peering.ttlSecurity : undefined,
      // Only global peerings to a Calico node's IP are made one-sided; node-specific never.
      passive: kind === "Global" && peering.calicoNode && peering.ip > nodeIP,
      routeReflectorClient,
      rrClusterId: routeReflectorClient ? node.rrClusterId : undefined,
      gracefulRestartTime: peering.restartTime,
      keepaliveTime: peering.keepaliveTime,
      password: peering.password,
      nextHopSelf: peering.nextHopMode === "Self",
      // The legacy keepOriginalNextHop only applies to eBGP.
      nextHopKeep: peering.nextHopMode === "Keep" || (peering.keepOriginalNextHop && !internalPeer),
      allowLocalAS:
        peering.numAllowedLocalASNumbers > 0 ? peering.numAllowedLocalASNumbers : undefined,
      internalPeer,
      filters: peering.filters,
      peerNode:
        peering.peerNode ??
        context.facts.nodes.find((n) => n.ipv4 === peering.ip || n.ipv6 === peering.ip)?.name,
      origin: `BGPPeer ${peering.bgpPeer}`,
    });
    if (peering.filters.length > 0) {
      context.warnings.push(
        `BGPPeer ${peering.bgpPeer}: BGPFilters (${peering.filters.join(", ")}) are not rendered; routes pass as without filters.`,
      );
    }
  }
  return sessions;
}

function secretValue(
  context: NodeContext,
  ref: { readonly name?: string | undefined; readonly key: string } | undefined,
  field: string,
): string | undefined {
  if (ref === undefined) return undefined;
  const value = context.snapshot.resolveSecret?.(ref.name ?? "", ref.key);
  if (value === undefined) {
    context.warnings.push(
      `${field}: secret ${ref.name ?? ""}/${ref.key} is not available; rendered without a password, as calico-node does.`,
    );
  }
  return value;
}

/** Blocks whose affinity is this node's and not pending or deleted, sorted as confd lists keys. */
function affineBlocks(snapshot: BgpSnapshot, nodeName: string, family: IpFamily): AffineBlock[] {
  return (snapshot.blockAffinities ?? [])
    .filter(
      ({ spec }) =>
        spec.node === nodeName &&
        spec.state !== "pending" &&
        spec.deleted !== true &&
        spec.deleted !== "true" &&
        cidrFamily(spec.cidr) === family,
    )
    .map(({ spec }) => ({ cidr: spec.cidr, state: spec.state }))
    .sort((a, b) => compareStrings(a.cidr.replace("/", "-"), b.cidr.replace("/", "-")));
}

interface ClusterRoutePolicy {
  readonly ipip: boolean;
  readonly noEncap: boolean;
}

/** BGPConfiguration `programClusterRoutes` (default `EnabledNoEncapOnly`). */
function clusterRoutePolicy(value: string | undefined, warnings: string[]): ClusterRoutePolicy {
  switch (value) {
    case undefined:
    case "EnabledNoEncapOnly":
      return { ipip: false, noEncap: true };
    case "Enabled":
      return { ipip: true, noEncap: true };
    case "EnabledIPIPOnly":
      return { ipip: true, noEncap: false };
    case "Disabled":
      return { ipip: false, noEncap: false };
    default:
      warnings.push(
        `BGPConfiguration default spec.programClusterRoutes ${JSON.stringify(value)} is unknown; using EnabledNoEncapOnly.`,
      );
      return { ipip: false, noEncap: true };
  }
}

function poolRouting(context: NodeContext, family: IpFamily): PoolRouting[] {
  const policy = context.programClusterRoutes;
  return (context.snapshot.ipPools ?? [])
    .filter(({ spec }) => cidrFamily(spec.cidr) === family)
    .map(({ spec }) => {
      const vxlan = spec.vxlanMode === "Always" || spec.vxlanMode === "CrossSubnet";
      const ipip = spec.ipipMode === "Always" || spec.ipipMode === "CrossSubnet";
      const kernel: PoolRouteProgramming = vxlan
        ? "vxlan"
        : (ipip ? policy.ipip : policy.noEncap)
          ? "bird"
          : "felix";
      if (kernel === "bird" && ipip && family === 4) {
        context.warnings.push(
          `IPPool ${spec.cidr}: BIRD would program IPIP routes with the Calico-fork-only krt_tunnel attribute; upstream BIRD installs them without the tunnel.`,
        );
      }
      return { cidr: spec.cidr, bgpExport: spec.disableBGPExport !== true, kernel, ipip };
    })
    .sort((a, b) => compareStrings(a.cidr, b.cidr));
}

const literalCommunity = /^(\d+):(\d+)$|^(\d+):(\d+):(\d+)$/;

/** `prefixAdvertisements` of `node.<name>` if it has any, else of `default`. */
function communityAdvertisements(
  nodeConfig: SnapshotBgpConfigurationSpec,
  defaults: SnapshotBgpConfigurationSpec,
  family: IpFamily,
): CommunityAdvertisement[] {
  const source = nodeConfig.prefixAdvertisements !== undefined ? nodeConfig : defaults;
  const advertisements: CommunityAdvertisement[] = [];
  for (const advertisement of source.prefixAdvertisements ?? []) {
    const cidr = advertisement.cidr ?? "";
    if (cidr === "" || cidrFamily(cidr) !== family) continue;
    const values = new Set<string>();
    for (const community of advertisement.communities ?? []) {
      if (literalCommunity.test(community)) values.add(community);
      else {
        const named = source.communities?.find((c) => c.name === community)?.value;
        if (named !== undefined) values.add(named);
      }
    }
    const communities = [...values].filter((value) => literalCommunity.test(value)).sort();
    if (communities.length > 0) advertisements.push({ cidr, communities });
  }
  return advertisements;
}

function birdLogLevel(logSeverityScreen: string | undefined): BirdLogLevel {
  const level = (logSeverityScreen ?? "").toLowerCase();
  if (level === "debug") return "debug";
  // Unset behaves as info; everything other than debug/info turns BIRD debugging off.
  if (level === "" || level === "info") return "info";
  return "none";
}

function cidrFamily(cidr: string): IpFamily {
  return cidr.includes(":") ? 6 : 4;
}

function hasEntries(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}
