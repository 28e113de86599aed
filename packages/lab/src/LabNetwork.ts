import { setTimeout as sleep } from "node:timers/promises";
import { processState } from "@calicokit/testkit";
import { mustRun, runCommand } from "./internal/Command.js";
import { labSubnetV4, labSubnetV6PrefixLength } from "./internal/LabAddressing.js";

/** One node's place on the lab network. */
export interface NodeLink {
  readonly name: string;
  /** 1-based; names the hub-side veth (`v<index>`) and sets the MAC (`02:ca:1c:00:<index>`). */
  readonly index: number;
  readonly netns: string;
  readonly ipv4: string;
  readonly ipv6?: string;
}

/**
 * The lab's wiring: a hub namespace holding a Linux bridge, and one namespace per node joined to
 * it by a veth pair (`eth0` in the node). Nothing is created in the host's namespace, so lab
 * traffic never leaves these namespaces, and deleting the namespaces removes every link.
 * Namespaces are named `calicokit.<lab>.<node>` (and `calicokit.<lab>.hub`): lab and node names
 * have no dots, so the prefix scopes a lab exactly, also for cleaning up after a crashed run.
 *
 * @example
 * ```ts
 * await LabNetwork.removeLeftovers("demo")
 * const net = await LabNetwork.create("demo")
 * const netns = await net.addNode({ name: "node-1", index: 1, ipv4: "10.99.0.11" })
 * await net.destroy()
 * ```
 */
export class LabNetwork {
  readonly hub: string;

  private constructor(readonly labName: string) {
    this.hub = LabNetwork.netnsName(labName, "hub");
  }

  /** The namespace name of a lab member (a node name, or `hub`). */
  static netnsName(labName: string, member: string): string {
    return `calicokit.${labName}.${member}`;
  }

  /** Creates the hub namespace and its bridge. */
  static async create(labName: string): Promise<LabNetwork> {
    const net = new LabNetwork(labName);
    await mustRun("ip", ["netns", "add", net.hub]);
    await mustRun("ip", ["-n", net.hub, "link", "set", "lo", "up"]);
    await mustRun("ip", ["-n", net.hub, "link", "add", "br0", "type", "bridge"]);
    await mustRun("ip", ["-n", net.hub, "link", "set", "br0", "up"]);
    return net;
  }

  /** Creates the node's namespace, plugs it into the bridge and gives it its addresses. */
  async addNode(node: Omit<NodeLink, "netns">): Promise<string> {
    const netns = LabNetwork.netnsName(this.labName, node.name);
    const hubEnd = `v${node.index}`;
    await mustRun("ip", ["netns", "add", netns]);
    // Both ends are created directly inside their namespaces: the host never sees them.
    await mustRun("ip", [
      ...["link", "add", hubEnd, "netns", this.hub, "type", "veth"],
      ...["peer", "name", "eth0", "netns", netns],
    ]);
    await mustRun("ip", ["-n", this.hub, "link", "set", hubEnd, "master", "br0", "up"]);
    await mustRun("ip", ["-n", netns, "link", "set", "lo", "up"]);
    await mustRun("ip", ["-n", netns, "link", "set", "eth0", "address", macOf(node.index)]);
    await mustRun("ip", [
      ...["-n", netns, "addr", "add", `${node.ipv4}/${labSubnetV4.prefixLength}`],
      ...["dev", "eth0"],
    ]);
    if (node.ipv6 !== undefined) {
      // nodad: the address is usable at once instead of after duplicate address detection.
      await mustRun("ip", [
        ...["-n", netns, "-6", "addr", "add", `${node.ipv6}/${labSubnetV6PrefixLength}`],
        ...["dev", "eth0", "nodad"],
      ]);
    }
    await mustRun("ip", ["-n", netns, "link", "set", "eth0", "up"]);
    return netns;
  }

  /**
   * Gives each node permanent neighbor (ARP/NDP) entries for the other nodes, so nothing is
   * resolved by broadcast. On one kernel, 50 nodes ARPing each other at once flood the bridge
   * past the host's packet backlog (net.core.netdev_max_backlog) and drop SYNs, which turns a
   * 2-second convergence into minutes of TCP back-off; real hosts have a wire each.
   * `nodes` get entries for every node of `all` (the others get one for each of `nodes`).
   */
  async linkNeighbors(nodes: readonly NodeLink[], all: readonly NodeLink[]): Promise<void> {
    const entries = (node: NodeLink) =>
      [`neigh replace ${node.ipv4} lladdr ${macOf(node.index)} dev eth0 nud permanent`].concat(
        node.ipv6 === undefined
          ? []
          : [`neigh replace ${node.ipv6} lladdr ${macOf(node.index)} dev eth0 nud permanent`],
      );
    const added = new Set(nodes.map((n) => n.name));
    for (const node of all) {
      const peers = added.has(node.name) ? all : nodes;
      const script = peers.filter((p) => p.name !== node.name).flatMap(entries);
      if (script.length > 0)
        await mustRun("ip", ["-n", node.netns, "-batch", "-"], `${script.join("\n")}\n`);
    }
  }

  /** Kills what still runs in the node's namespace and deletes it (its veth pair goes too). */
  async removeNode(netns: string): Promise<void> {
    await deleteNetns(netns);
  }

  /**
   * Blocks BGP (TCP port 179, both directions) between two nodes, as a firewall dropping it
   * would: policy-routing rules in both namespaces refuse packets to the other node from or to
   * port 179 (no iptables/nft needed). `cutEstablished` also aborts the TCP connections already
   * open (a firewall alone would leave them to the 240 s hold timer).
   */
  async blockBgp(a: NodeLink, b: NodeLink, cutEstablished: boolean, family?: 4 | 6): Promise<void> {
    for (const { netns, dst, rules } of bgpBlockRules(a, b, "add", family)) {
      for (const rule of rules) await mustRun("ip", rule);
      if (cutEstablished) {
        await runCommand("ip", [
          ...["netns", "exec", netns, "ss", "-K", "-tn", "dst", dst],
          "( dport = :179 or sport = :179 )",
        ]);
      }
    }
  }

  /** Removes the rules `blockBgp` added; BIRD reconnects on its next connect retry. */
  async unblockBgp(a: NodeLink, b: NodeLink): Promise<void> {
    for (const { rules } of bgpBlockRules(a, b, "del")) {
      // Absent rules (never blocked) are fine: unblocking is idempotent.
      for (const rule of rules) await runCommand("ip", rule);
    }
  }

  /** Deletes every namespace of this lab (nodes first, then the hub). */
  async destroy(): Promise<void> {
    await LabNetwork.removeLeftovers(this.labName);
  }

  /** Names of the namespaces that currently belong to a lab. */
  static async namespacesOf(labName: string): Promise<string[]> {
    const prefix = LabNetwork.netnsName(labName, "");
    const out = await mustRun("ip", ["netns", "list"]);
    return out
      .split("\n")
      .map((line) => line.split(" ")[0] ?? "")
      .filter((name) => name.startsWith(prefix));
  }

  /**
   * Removes whatever a lab of this name left behind (a crashed run): kills the processes still
   * running in its namespaces and deletes them. Returns the namespaces removed.
   */
  static async removeLeftovers(labName: string): Promise<string[]> {
    const hub = LabNetwork.netnsName(labName, "hub");
    const names = await LabNetwork.namespacesOf(labName);
    const ordered = [...names.filter((n) => n !== hub), ...names.filter((n) => n === hub)];
    for (const netns of ordered) await deleteNetns(netns);
    return ordered;
  }
}

/** A locally administered MAC derived from the node index. */
function macOf(index: number): string {
  const byte = (n: number) => n.toString(16).padStart(2, "0");
  return `02:ca:1c:00:${byte(Math.floor(index / 256))}:${byte(index % 256)}`;
}

/**
 * The `ip rule` commands (`add` or `del`) that refuse BGP between two nodes: in each node's
 * namespace, per address of the other node (`dst`; only that family's when `family` is given),
 * TCP to `dst` with destination or source port 179 is prohibited.
 */
function bgpBlockRules(a: NodeLink, b: NodeLink, verb: "add" | "del", family?: 4 | 6) {
  const directions = [
    [a, b],
    [b, a],
  ] as const;
  return directions.flatMap(([from, to]) =>
    addressPairs(to)
      .filter(([flag]) => family === undefined || flag === `-${family}`)
      .map(([flag, dst]) => ({
        netns: from.netns,
        dst,
        rules: ["dport", "sport"].map((port) => [
          ...["-n", from.netns, flag, "rule", verb, "to", dst],
          ...["ipproto", "tcp", port, "179", "prohibit"],
        ]),
      })),
  );
}

function addressPairs(node: NodeLink): [string, string][] {
  const pairs: [string, string][] = [["-4", `${node.ipv4}/32`]];
  if (node.ipv6 !== undefined) pairs.push(["-6", `${node.ipv6}/128`]);
  return pairs;
}

/** SIGKILLs the processes inside a namespace, waits for them to go, then deletes it. */
async function deleteNetns(netns: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pids = await namespacePids(netns);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
  await runCommand("ip", ["netns", "del", netns]);
}

async function namespacePids(netns: string): Promise<number[]> {
  const result = await runCommand("ip", ["netns", "pids", netns]);
  if (result.code !== 0) return [];
  return result.stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map(Number)
    .filter((pid) => {
      // a zombie is already dead (its parent has not reaped it yet): nothing left to kill
      const state = processState(pid);
      return state !== undefined && state !== "Z";
    });
}
