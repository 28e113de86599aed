import type { BirdLine } from "./BirdControl.js";

/** One row of `show protocols`, split on whitespace as calico-node splits it. */
export interface ProtocolRow {
  readonly name: string;
  readonly proto: string;
  readonly state: string;
  readonly since: string;
  /** The BGP state word and last error (`Established`, `Active Socket: Connection refused`). */
  readonly info: string;
  readonly fieldCount: number;
}

/** The rows (code 1002) of a `show protocols` reply. */
export function protocolRows(lines: readonly BirdLine[]): ProtocolRow[] {
  return lines
    .filter((line) => line.code === "1002")
    .map((line) => {
      const fields = line.text.trim().split(/\s+/);
      return {
        name: fields[0] ?? "",
        proto: fields[1] ?? "",
        state: fields[3] ?? "",
        since: fields[4] ?? "",
        info: fields.slice(5).join(" "),
        fieldCount: fields.length,
      };
    });
}

export type CalicoPeerKind = "Mesh" | "Node" | "Global";

export interface CalicoPeerRow extends ProtocolRow {
  readonly kind: CalicoPeerKind;
}

const calicoPeerName = /^(Global|Node|Mesh)_(.+)$/;

/** Every BGP protocol calico-node names (`Global_|Node_|Mesh_...`), whatever its state. */
export function calicoBgpProtocols(rows: readonly ProtocolRow[]): CalicoPeerRow[] {
  const peers: CalicoPeerRow[] = [];
  for (const row of rows) {
    const match = calicoPeerName.exec(row.name);
    if (row.proto !== "BGP" || !match) continue;
    peers.push({ ...row, kind: match[1] as CalicoPeerKind });
  }
  return peers;
}

/**
 * The rows calico-node and calicoctl report: Calico's BGP protocols with at least 6 fields. A
 * `down` row without an error message has only 5 and is dropped, exactly as Calico drops it.
 */
export function calicoPeerRows(rows: readonly ProtocolRow[]): CalicoPeerRow[] {
  return calicoBgpProtocols(rows).filter((row) => row.fieldCount >= 6);
}

/** `BGP state:` and `Neighbor address:` from a `show protocols all <name>` reply. */
export function protocolDetail(lines: readonly BirdLine[]): {
  readonly bgpState: string | undefined;
  readonly neighborAddress: string | undefined;
} {
  let bgpState: string | undefined;
  let neighborAddress: string | undefined;
  for (const { text } of lines) {
    bgpState ??= /^\s*BGP state:\s+(\S+)/.exec(text)?.[1];
    neighborAddress ??= /^\s*Neighbor address:\s+(\S+)/.exec(text)?.[1];
  }
  return { bgpState, neighborAddress };
}

/** calico-node's `status.agent.birdV4/V6` entry. */
export interface BirdDaemonStatus {
  readonly state: "Ready" | "NotReady";
  readonly version?: string;
  readonly routerID?: string;
  readonly lastBootTime?: string;
  readonly lastReconfigurationTime?: string;
}

/**
 * Reads `show status` as calico-node does: ready when a line (the greeting included) says
 * both `BIRD` and `ready`; the version only from a `BIRD v...` line, which Calico's BIRD fork
 * prints and upstream BIRD (`BIRD 1.6.8`) does not, so with upstream BIRD it stays empty.
 */
export function daemonStatus(greeting: string, lines: readonly BirdLine[]): BirdDaemonStatus {
  const texts = [greeting, ...lines.map((line) => line.text)];
  const ready = texts.some((text) => text.includes("BIRD") && text.includes("ready"));
  const after = (prefix: string) =>
    texts
      .find((text) => text.startsWith(prefix))
      ?.slice(prefix.length)
      .trim() || undefined;
  const version = lines
    .map((line) => line.text)
    .find((text) => text.startsWith("BIRD v"))
    ?.slice("BIRD ".length);
  const routerID = after("Router ID is ");
  const lastBootTime = after("Last reboot on ");
  const lastReconfigurationTime = after("Last reconfiguration on ");
  return {
    state: ready ? "Ready" : "NotReady",
    ...(version === undefined ? {} : { version }),
    ...(routerID === undefined ? {} : { routerID }),
    ...(lastBootTime === undefined ? {} : { lastBootTime }),
    ...(lastReconfigurationTime === undefined ? {} : { lastReconfigurationTime }),
  };
}

/** calico-node's `status.routes.routesV4/V6` entry. */
export interface RouteEntry {
  readonly type: "FIB" | "RIB";
  readonly destination: string;
  readonly gateway: string;
  readonly interface: string;
  readonly learnedFrom: {
    readonly sourceType: "Kernel" | "Static" | "Direct" | "NodeMesh" | "BGPPeer";
    readonly peerIP?: string;
  };
}

/** Thrown when a route's protocol name cannot be read; calico-node then skips the whole update. */
export class UnparsableRouteSource extends Error {
  readonly _tag = "UnparsableRouteSource";
}

const routeShapes: readonly [RegExp, (m: RegExpExecArray) => [string, string, string]][] = [
  // dest via gw on iface [proto ...]
  [/^(\S*)\s+via\s+(\S+)\s+on\s+(\S+)\s+\[(\S+)/, (m) => [m[2] ?? "", m[3] ?? "", m[4] ?? ""]],
  // dest dev iface [proto ...]
  [/^(\S*)\s+dev\s+(\S+)\s+\[(\S+)/, (m) => ["N/A", m[2] ?? "", m[3] ?? ""]],
  // dest blackhole|unreachable [proto ...]
  [/^(\S*)\s+(blackhole|unreachable)\s+\[(\S+)/, (m) => ["N/A", m[2] ?? "", m[3] ?? ""]],
];

/**
 * The routes of a `show route` reply (codes 1007), as calico-node lists them: a line without a
 * destination belongs to the previous one; `] *` marks the route in use (FIB), others are RIB.
 */
export function routeEntries(lines: readonly BirdLine[], family: 4 | 6): RouteEntry[] {
  const routes: RouteEntry[] = [];
  let destination = "";
  for (const { code, text } of lines) {
    if (code !== "1007") continue;
    for (const [shape, parts] of routeShapes) {
      const match = shape.exec(text);
      if (!match) continue;
      if (match[1]) destination = match[1];
      const [gateway, iface, protocol] = parts(match);
      routes.push({
        type: /\] \*/.test(text) ? "FIB" : "RIB",
        destination,
        gateway,
        interface: iface,
        learnedFrom: routeSource(protocol.replace(/\]$/, ""), family),
      });
      break;
    }
  }
  return routes;
}

function routeSource(protocol: string, family: 4 | 6): RouteEntry["learnedFrom"] {
  if (protocol.startsWith("kernel")) return { sourceType: "Kernel" };
  if (protocol.startsWith("static")) return { sourceType: "Static" };
  if (protocol.startsWith("direct")) return { sourceType: "Direct" };
  const match = calicoPeerName.exec(protocol);
  if (!match) throw new UnparsableRouteSource(`cannot tell where ${protocol}'s routes come from`);
  return {
    sourceType: match[1] === "Mesh" ? "NodeMesh" : "BGPPeer",
    peerIP: peerAddressFromName(match[2] ?? "", family),
  };
}

/** `10_99_0_12` -> `10.99.0.12` (IPv6: `_` -> `:`), ignoring a `_port_<n>` suffix. */
export function peerAddressFromName(encoded: string, family: 4 | 6): string {
  return encoded.replace(/_port_\d+$/, "").replaceAll("_", family === 4 ? "." : ":");
}
