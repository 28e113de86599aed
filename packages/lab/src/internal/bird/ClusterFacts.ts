import { parseASNumber, parseCidrOrIp, parseSelector } from "@calicokit/types";
import type { BgpSnapshot, SnapshotBgpConfigurationSpec } from "../../BgpSnapshot.js";

/** Calico's AS number when neither the node nor the default BGPConfiguration sets one. */
export const defaultASNumber = 64512;

/** What confd knows about one node (`/calico/bgp/v1/host/<node>/...`). */
export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ipv4: string | undefined;
  readonly ipv6: string | undefined;
  /** The node's own AS (`spec.bgp.asNumber`), before falling back to the global AS. */
  readonly ownASNumber: number | undefined;
  /** Own AS, else the global AS. */
  readonly asNumber: number;
  /** `spec.bgp.routeReflectorClusterID`, "" when unset (confd's empty string). */
  readonly rrClusterId: string;
  /** `listenPort` of BGPConfiguration `node.<name>`, when set. */
  readonly listenPort: number | undefined;
}

/** The cluster-wide inputs of confd's per-node computation, resolved once. */
export interface ClusterFacts {
  /** Nodes sorted by name (Calico iterates maps; sorting makes first-writer-wins stable). */
  readonly nodes: readonly NodeFacts[];
  readonly byName: ReadonlyMap<string, NodeFacts>;
  /** Every node IPv4 and IPv6 address (confd's `nodeIPs`). */
  readonly nodeIPs: ReadonlySet<string>;
  readonly globalASNumber: number;
  /** `listenPort` of the default BGPConfiguration, undefined when unset (0 in confd). */
  readonly globalListenPort: number | undefined;
  readonly meshEnabled: boolean;
  readonly defaultConfig: SnapshotBgpConfigurationSpec;
  readonly nodeConfigs: ReadonlyMap<string, SnapshotBgpConfigurationSpec>;
  readonly warnings: readonly string[];
  /** Names of the nodes whose labels match `selector`, sorted; [] (and a warning) if it does not parse. */
  nodesMatching(selector: string): readonly string[];
}

const perNodePrefix = "node.";

/**
 * Resolves nodes and BGPConfigurations the way confd's cache sees them.
 * @example
 * ```ts
 * clusterFacts({ nodes: [] }).globalASNumber; // 64512
 * ```
 */
export function clusterFacts(snapshot: BgpSnapshot): ClusterFacts {
  const warnings: string[] = [];
  let defaultConfig: SnapshotBgpConfigurationSpec = {};
  const nodeConfigs = new Map<string, SnapshotBgpConfigurationSpec>();
  for (const config of sortedByName(snapshot.bgpConfigurations ?? [])) {
    const name = config.metadata.name ?? "";
    if (name === "default") defaultConfig = config.spec;
    else if (name.startsWith(perNodePrefix)) {
      nodeConfigs.set(name.slice(perNodePrefix.length), config.spec);
    } else {
      warnings.push(
        `BGPConfiguration ${name} is ignored: calico-node only reads "default" and "node.<nodename>".`,
      );
    }
  }

  const globalASNumber =
    asNumberOf(defaultConfig.asNumber, "BGPConfiguration default spec.asNumber", warnings) ??
    defaultASNumber;
  const globalListenPort = positive(defaultConfig.listenPort);

  const nodes = sortedByName(snapshot.nodes).map((node): NodeFacts => {
    const bgp = node.spec.bgp;
    const ownASNumber = asNumberOf(
      bgp?.asNumber,
      `Node ${node.metadata.name} spec.bgp.asNumber`,
      warnings,
    );
    return {
      name: node.metadata.name,
      labels: node.metadata.labels ?? {},
      ipv4: nodeIp(bgp?.ipv4Address),
      ipv6: nodeIp(bgp?.ipv6Address),
      ownASNumber,
      asNumber: ownASNumber ?? globalASNumber,
      rrClusterId: bgp?.routeReflectorClusterID ?? "",
      listenPort: positive(nodeConfigs.get(node.metadata.name)?.listenPort),
    };
  });

  const nodeIPs = new Set<string>();
  for (const node of nodes) {
    if (node.ipv4 !== undefined) nodeIPs.add(node.ipv4);
    if (node.ipv6 !== undefined) nodeIPs.add(node.ipv6);
  }

  const selectorCache = new Map<string, readonly string[]>();
  return {
    nodes,
    byName: new Map(nodes.map((node) => [node.name, node])),
    nodeIPs,
    globalASNumber,
    globalListenPort,
    // confd's default is {"enabled": true}; only an explicit false turns the mesh off.
    meshEnabled: defaultConfig.nodeToNodeMeshEnabled !== false,
    defaultConfig,
    nodeConfigs,
    warnings,
    nodesMatching(selector) {
      const cached = selectorCache.get(selector);
      if (cached !== undefined) return cached;
      let names: readonly string[] = [];
      try {
        const parsed = parseSelector(selector);
        names = nodes.filter((node) => parsed.matches(node.labels)).map((node) => node.name);
      } catch (error) {
        warnings.push(
          `Selector ${JSON.stringify(selector)} does not parse, so it selects no node: ${String(error)}`,
        );
      }
      selectorCache.set(selector, names);
      return names;
    },
  };
}

/**
 * Sorts resources by `metadata.name` (an unnamed one sorts first).
 * @example
 * ```ts
 * sortedByName([{ metadata: { name: "b" } }, { metadata: { name: "a" } }]); // a, b
 * ```
 */
export function sortedByName<
  T extends { readonly metadata: { readonly name?: string | undefined } },
>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareStrings(a.metadata.name ?? "", b.metadata.name ?? ""));
}

/**
 * Byte-wise string order, as Go's `<` on strings (for the ASCII names and IPs used here).
 * @example
 * ```ts
 * ["10.0.0.9", "10.0.0.10"].sort(compareStrings); // ["10.0.0.10", "10.0.0.9"]
 * ```
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// calico-node publishes the address part of `spec.bgp.ipv4Address` (a CIDR or an IP), as Go prints it.
function nodeIp(value: string | undefined): string | undefined {
  return value === undefined ? undefined : parseCidrOrIp(value)?.ip;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

/**
 * Parses an AS number field; an unparsable value is reported and treated as unset.
 * @example
 * ```ts
 * const warnings: string[] = [];
 * asNumberOf("1.10", "spec.asNumber", warnings); // 65546
 * ```
 */
export function asNumberOf(
  value: number | string | undefined,
  field: string,
  warnings: string[],
): number | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = parseASNumber(value);
  if (parsed.ok) return parsed.value;
  warnings.push(`${field} is ignored: ${parsed.message}`);
  return undefined;
}
