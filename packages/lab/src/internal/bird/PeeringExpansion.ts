import { parseGoDuration, parsePeerAddress } from "@calicokit/types";
import type { BgpSnapshot, SnapshotBgpPeer } from "../../BgpSnapshot.js";
import type { IpFamily } from "../../IpFamily.js";
import { asNumberOf, type ClusterFacts, type NodeFacts, sortedByName } from "./ClusterFacts.js";

/**
 * One peering as confd stores it under `/calico/bgp/v1/{global,host/<node>}/peer_v4|6/<ip[-port]>`:
 * the remote side plus the BGPPeer's per-peer options.
 */
export interface Peering {
  /** As Go prints it: Calico compares peer and node IPs as strings. */
  readonly ip: string;
  readonly family: IpFamily;
  /** 0 when no port is set (BIRD then uses 179). */
  readonly port: number;
  /** The remote AS; 0 when a `peerIP` BGPPeer has no `asNumber` (confd renders it as is). */
  readonly asNumber: number;
  /** The remote node's cluster ID for `peerSelector` peerings, else "". */
  readonly rrClusterId: string;
  /** True when a `peerIP` is some Calico node's address (drives automatic passive). */
  readonly calicoNode: boolean;
  /** The Calico node the peering goes to, when it came from a selector or reverse peering. */
  readonly peerNode: string | undefined;
  readonly sourceAddress: string;
  readonly restartTime: number | undefined;
  readonly keepaliveTime: number | undefined;
  readonly password: string | undefined;
  readonly keepOriginalNextHop: boolean;
  readonly nextHopMode: string | undefined;
  readonly numAllowedLocalASNumbers: number;
  readonly ttlSecurity: number;
  readonly reachableBy: string | undefined;
  readonly localASNumber: number | undefined;
  readonly filters: readonly string[];
  /** The BGPPeer this peering came from (for explanations). */
  readonly bgpPeer: string;
}

/** Peerings keyed by `<ip>|<port>`: the global ones and, per node name, the node-specific ones. */
export interface PeeringTable {
  readonly global: ReadonlyMap<string, Peering>;
  readonly byNode: ReadonlyMap<string, ReadonlyMap<string, Peering>>;
}

type RemoteSide = Pick<
  Peering,
  "ip" | "family" | "port" | "asNumber" | "rrClusterId" | "calicoNode" | "peerNode"
>;

/**
 * Expands BGPPeers into peerings exactly as confd's `updatePeersV1`: a pass for global BGPPeers,
 * a pass for node-specific ones (dropping a node peering whose ip+port a global one already has),
 * then automatic reverse peerings; in every pass the first writer of a key wins. BGPPeers are
 * visited in name order (confd walks a Go map, so its winner among true duplicates is arbitrary).
 * @example
 * ```ts
 * import { clusterFacts } from "./ClusterFacts.js";
 *
 * const snapshot: BgpSnapshot = {
 *   nodes: [
 *     { metadata: { name: "n1" }, spec: { bgp: { ipv4Address: "10.0.0.1/24" } } },
 *     { metadata: { name: "n2" }, spec: { bgp: { ipv4Address: "10.0.0.2/24" } } },
 *   ],
 * };
 * const warnings: string[] = [];
 * const table = expandPeerings(clusterFacts(snapshot), snapshot, warnings);
 * table.byNode.get("n1")?.get("10.0.0.2|0")?.bgpPeer; // the BGPPeer that produced it
 * ```
 */
export function expandPeerings(
  facts: ClusterFacts,
  snapshot: BgpSnapshot,
  warnings: string[],
): PeeringTable {
  const global = new Map<string, Peering>();
  const byNode = new Map<string, Map<string, Peering>>();
  const bgpPeers = sortedByName(snapshot.bgpPeers ?? []);

  const emitGlobal = (peering: Peering): void => {
    const key = peeringKey(peering);
    if (!global.has(key)) global.set(key, peering);
  };
  const emitNode = (nodeName: string, peering: Peering): void => {
    const key = peeringKey(peering);
    let table = byNode.get(nodeName);
    if (table === undefined) {
      table = new Map();
      byNode.set(nodeName, table);
    }
    if (table.has(key) || global.has(key)) return;
    table.set(key, peering);
  };

  for (const globalPass of [true, false]) {
    for (const bgpPeer of bgpPeers) {
      const spec = bgpPeer.spec;
      if (globalPass !== isGlobal(bgpPeer)) continue;
      if (nonEmpty(spec.localWorkloadSelector)) {
        warnings.push(
          `BGPPeer ${peerName(bgpPeer)}: localWorkloadSelector peerings are not modelled (the lab has no workloads); skipped.`,
        );
        continue;
      }
      const localNodes = nonEmpty(spec.nodeSelector)
        ? facts.nodesMatching(spec.nodeSelector)
        : nonEmpty(spec.node)
          ? [spec.node]
          : [];
      const remotes = forwardRemotes(facts, bgpPeer, warnings);
      const peerings = remotes.map((remote) =>
        withPeerOptions(remote, bgpPeer, snapshot, warnings),
      );
      for (const peering of peerings) {
        if (globalPass) emitGlobal(peering);
        else for (const nodeName of localNodes) emitNode(nodeName, peering);
      }
    }
  }

  for (const bgpPeer of bgpPeers) {
    const spec = bgpPeer.spec;
    if (spec.reversePeering === "Manual" || nonEmpty(spec.localWorkloadSelector)) continue;
    // The remote side of the BGPPeer becomes the local side of the reverse peering...
    let localNodes: readonly string[];
    let families: readonly IpFamily[];
    if (nonEmpty(spec.peerSelector)) {
      localNodes = facts.nodesMatching(spec.peerSelector);
      families = [4, 6];
    } else {
      const peer = parsePeerAddress(spec.peerIP ?? "");
      if (!peer.ok) continue;
      const asNumber = asNumberOf(spec.asNumber, "", []) ?? 0;
      localNodes = nodesWithIpPortAndAS(facts, peer.ip, asNumber, peer.port ?? 0);
      families = [peer.version];
    }
    if (localNodes.length === 0) continue;
    // ...and its local side (all nodes for a global BGPPeer) becomes the remote side.
    const remoteNodes = nonEmpty(spec.nodeSelector)
      ? facts.nodesMatching(spec.nodeSelector)
      : nonEmpty(spec.node)
        ? [spec.node]
        : facts.nodes.map((node) => node.name);
    const peerings = remoteNodes
      .flatMap((name) => nodeAsRemotes(facts, facts.byName.get(name), families))
      .map((remote) => withPeerOptions(remote, bgpPeer, snapshot, warnings));
    for (const peering of peerings) {
      for (const nodeName of localNodes) emitNode(nodeName, peering);
    }
  }

  return { global, byNode };
}

/** The key confd files a peering under: IP plus port (0 = none). */
function peeringKey(peering: Pick<Peering, "ip" | "port">): string {
  return `${peering.ip}|${peering.port}`;
}

function peerName(bgpPeer: SnapshotBgpPeer): string {
  return bgpPeer.metadata.name ?? "";
}

/** A BGPPeer without `node` and `nodeSelector` applies to every node. */
function isGlobal(bgpPeer: SnapshotBgpPeer): boolean {
  return !nonEmpty(bgpPeer.spec.node) && !nonEmpty(bgpPeer.spec.nodeSelector);
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

function forwardRemotes(
  facts: ClusterFacts,
  bgpPeer: SnapshotBgpPeer,
  warnings: string[],
): RemoteSide[] {
  const spec = bgpPeer.spec;
  if (nonEmpty(spec.peerSelector)) {
    return facts
      .nodesMatching(spec.peerSelector)
      .flatMap((name) => nodeAsRemotes(facts, facts.byName.get(name), [4, 6]));
  }
  const peer = parsePeerAddress(spec.peerIP ?? "");
  if (!peer.ok) {
    warnings.push(
      `BGPPeer ${peerName(bgpPeer)}: spec.peerIP ${JSON.stringify(spec.peerIP ?? "")} is not an IP, IP:port or [IPv6]:port; skipped.`,
    );
    return [];
  }
  const asNumber =
    asNumberOf(spec.asNumber, `BGPPeer ${peerName(bgpPeer)} spec.asNumber`, warnings) ?? 0;
  // confd reads a written port of 0 as no port.
  let port = peer.port ?? 0;
  if (port === 0) {
    // No port given: peer on the listen port of the Calico node that owns this IP and AS.
    const owner = nodesWithIpPortAndAS(facts, peer.ip, asNumber, 0)[0];
    if (owner !== undefined) {
      port = facts.byName.get(owner)?.listenPort ?? facts.globalListenPort ?? 0;
    }
  }
  return [
    {
      ip: peer.ip,
      family: peer.version,
      port,
      asNumber,
      rrClusterId: "",
      calicoNode: facts.nodeIPs.has(peer.ip),
      peerNode: undefined,
    },
  ];
}

/** A node seen as a BGP peer (confd's `nodeAsBGPPeers`): one remote per requested family it has. */
function nodeAsRemotes(
  facts: ClusterFacts,
  node: NodeFacts | undefined,
  families: readonly IpFamily[],
): RemoteSide[] {
  if (node === undefined) return [];
  const remotes: RemoteSide[] = [];
  for (const family of families) {
    const ip = family === 4 ? node.ipv4 : node.ipv6;
    if (ip === undefined) continue;
    remotes.push({
      ip,
      family,
      port: node.listenPort ?? facts.globalListenPort ?? 0,
      asNumber: node.asNumber,
      rrClusterId: node.rrClusterId,
      // confd does not mark selector peerings as Calico nodes, so they are never auto-passive.
      calicoNode: false,
      peerNode: node.name,
    });
  }
  return remotes;
}

/**
 * Nodes whose IPv4 or IPv6 equals `ip` and whose AS equals `asNumber` (0 = the global AS); with a
 * port, confd's check is kept as written: a node listen port that differs excludes the node, and
 * otherwise a global listen port that differs does too.
 */
function nodesWithIpPortAndAS(
  facts: ClusterFacts,
  ip: string,
  asNumber: number,
  port: number,
): string[] {
  const wanted = asNumber === 0 ? facts.globalASNumber : asNumber;
  return facts.nodes
    .filter((node) => {
      if (node.ipv4 !== ip && node.ipv6 !== ip) return false;
      if (node.asNumber !== wanted) return false;
      if (port === 0) return true;
      if (node.listenPort !== undefined && node.listenPort !== port) return false;
      return facts.globalListenPort === undefined || facts.globalListenPort === port;
    })
    .map((node) => node.name);
}

function withPeerOptions(
  remote: RemoteSide,
  bgpPeer: SnapshotBgpPeer,
  snapshot: BgpSnapshot,
  warnings: string[],
): Peering {
  const spec = bgpPeer.spec;
  const name = peerName(bgpPeer);
  const secretRef = spec.password?.secretKeyRef;
  let password: string | undefined;
  if (secretRef !== undefined) {
    password = snapshot.resolveSecret?.(secretRef.name ?? "", secretRef.key);
    if (password === undefined) {
      warnings.push(
        `BGPPeer ${name}: password secret ${secretRef.name ?? ""}/${secretRef.key} is not available; the session is rendered without a password, as calico-node does.`,
      );
    }
  }
  return {
    ...remote,
    sourceAddress: nonEmpty(spec.sourceAddress) ? spec.sourceAddress : "UseNodeIP",
    restartTime: durationField(
      spec.maxRestartTime,
      `BGPPeer ${name} spec.maxRestartTime`,
      warnings,
    ),
    keepaliveTime: durationField(
      spec.keepaliveTime,
      `BGPPeer ${name} spec.keepaliveTime`,
      warnings,
    ),
    password,
    keepOriginalNextHop: spec.keepOriginalNextHop === true,
    nextHopMode: spec.nextHopMode,
    numAllowedLocalASNumbers: spec.numAllowedLocalASNumbers ?? 0,
    ttlSecurity: spec.ttlSecurity ?? 0,
    reachableBy: nonEmpty(spec.reachableBy) ? spec.reachableBy : undefined,
    localASNumber: asNumberOf(spec.localASNumber, `BGPPeer ${name} spec.localASNumber`, warnings),
    filters: spec.filters ?? [],
    bgpPeer: name,
  };
}

/**
 * A Go duration field in whole seconds, rounded half away from zero as confd does (Go's
 * `math.Round`) before writing `graceful restart time` / `keepalive time`; an unparsable value
 * is reported and treated as unset.
 * @example
 * ```ts
 * const warnings: string[] = [];
 * durationField("1500ms", "spec.maxRestartTime", warnings); // 2
 * ```
 */
export function durationField(
  value: string | undefined,
  field: string,
  warnings: string[],
): number | undefined {
  if (value === undefined || value === "") return undefined;
  const nanoseconds = parseGoDuration(value);
  if (nanoseconds === undefined) {
    warnings.push(`${field} ${JSON.stringify(value)} is not a Go duration (e.g. "120s"); ignored.`);
    return undefined;
  }
  const seconds = Math.round(Math.abs(nanoseconds) / 1e9);
  return nanoseconds < 0 && seconds > 0 ? -seconds : seconds;
}
