import type { CalicoClient, NodeBgpStatus, NodeView } from "@calicokit/client";
import { CliError } from "../CliError.js";
import type { CommandHandler } from "../CommandSpec.js";
import { withClient } from "../Connect.js";
import { booleanFlag, type Invocation, stringFlag } from "../Invocation.js";
import { parseDuration } from "../internal/Duration.js";
import { type BgpGraph, renderDot, renderSvg } from "../internal/TopologyRender.js";
import { paint, printData, renderTable } from "../Output.js";

const peerTypes: Readonly<Record<string, string>> = {
  NodeMesh: "node-to-node mesh",
  NodePeer: "node specific",
  GlobalPeer: "global",
};

const zoneLabel = "topology.kubernetes.io/zone";

async function nodeViews(client: CalicoClient, invocation: Invocation): Promise<NodeView[]> {
  const views: NodeView[] = [];
  for await (const view of client.nodes.list({ signal: invocation.signal })) views.push(view);
  return views;
}

async function statuses(
  client: CalicoClient,
  invocation: Invocation,
  names: readonly string[],
): Promise<NodeBgpStatus[]> {
  const wait = stringFlag(invocation, "wait");
  return client.bgpStatus(names, {
    signal: invocation.signal,
    timeoutMs: wait === undefined ? 60_000 : parseDuration(wait, "--wait"),
  });
}

/** JSON form of one node's answer (the client's error as tag and message). */
function statusJson(status: NodeBgpStatus): unknown {
  if (!status.ok)
    return {
      node: status.node,
      ok: false,
      error: { tag: status.error._tag, message: status.error.message },
    };
  const { raw: _raw, ...rest } = status;
  return rest;
}

/** `bgp status [NODE...|--all]`: calicoctl node status for any node, through CalicoNodeStatus. */
export const status: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const all = booleanFlag(invocation, "all");
    if (all === invocation.args.length > 0) {
      throw new CliError(
        "Usage",
        all ? "give node names or --all, not both" : "name the nodes to ask, or pass --all",
        "e.g. calicokit bgp status --all",
      );
    }
    const names = all
      ? (await nodeViews(client, invocation)).map((v) => v.node.metadata.name).sort()
      : invocation.args;
    const results = await statuses(client, invocation, names);
    if (invocation.global.output !== "table") {
      printData(invocation, results.map(statusJson));
    } else {
      const blocks = results.map((s) => {
        if (!s.ok)
          return `${s.node}: ${paint(invocation, "red", "no answer")}: ${s.error.message}\n`;
        const summary = `${s.node}: ${s.established} established, ${s.notEstablished} not established`;
        if (s.peers.length === 0) return `${summary}\nNo BGP peers.\n`;
        const rows = s.peers.map((p) => [
          p.peerIP,
          peerTypes[p.type] ?? p.type,
          p.state === "Established"
            ? paint(invocation, "green", "up")
            : paint(invocation, "red", "start"),
          p.since,
          p.state,
        ]);
        return `${summary}\n${renderTable(["PEER ADDRESS", "PEER TYPE", "STATE", "SINCE", "INFO"], rows)}`;
      });
      invocation.io.stdout.write(blocks.join("\n"));
    }
    return results.every((s) => s.ok) ? 0 : 1;
  });

/** `bgp topology -o dot|svg|json`: who peers with whom, and in which state. */
export const topology: CommandHandler = (invocation) =>
  withClient(invocation, async (client) => {
    const views = await nodeViews(client, invocation);
    const names = views.map((v) => v.node.metadata.name).sort();
    const results = await statuses(client, invocation, names);
    const byAddress = new Map<string, string>();
    for (const v of views) {
      const address = v.node.spec.bgp?.ipv4Address?.split("/")[0];
      if (address) byAddress.set(address, v.node.metadata.name);
    }
    const graph: BgpGraph = {
      nodes: views
        .map((v) => ({
          name: v.node.metadata.name,
          ipv4: v.node.spec.bgp?.ipv4Address ?? null,
          zone: v.node.metadata.labels?.[zoneLabel] ?? null,
          routeReflector: (v.node.spec.bgp?.routeReflectorClusterID ?? "") !== "",
          answered: results.find((r) => r.node === v.node.metadata.name)?.ok === true,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      sessions: [],
    };
    const sessions = new Map<string, BgpGraph["sessions"][number]>();
    for (const result of results) {
      if (!result.ok) continue;
      for (const peer of result.peers) {
        const other = byAddress.get(peer.peerIP) ?? peer.peerIP;
        const [a, b] = [result.node, other].sort() as [string, string];
        const key = `${a}|${b}|${peer.type}`;
        const seen = sessions.get(key);
        const established = peer.state === "Established" && (seen?.established ?? true);
        sessions.set(key, {
          from: a,
          to: b,
          type: peer.type,
          established,
          states: [...(seen?.states ?? []), `${result.node}: ${peer.state}`],
        });
      }
    }
    const ordered = {
      ...graph,
      sessions: [...sessions.values()].sort((x, y) =>
        `${x.from}|${x.to}`.localeCompare(`${y.from}|${y.to}`),
      ),
    };
    const format = invocation.global.output;
    if (format === "json") printData(invocation, ordered);
    else invocation.io.stdout.write(format === "svg" ? renderSvg(ordered) : renderDot(ordered));
    return results.every((s) => s.ok) ? 0 : 1;
  });
