import type { CalicoNodeStatus } from "@calicokit/types";

/** One BGP session as calico-node reports it in CalicoNodeStatus. */
export interface ReportedSession {
  readonly family: "v4" | "v6";
  readonly peerIP: string;
  /** NodeMesh, NodePeer or GlobalPeer. */
  readonly type: string;
  readonly state: string;
}

/** The latest report of each observed node, by node name. */
export type BgpObservation = ReadonlyMap<string, readonly ReportedSession[]>;

/** A node as the checks need it. */
export interface CheckedNode {
  readonly name: string;
  readonly ipv4: string | null;
  readonly ipv6: string | null;
}

/** Whether the wanted state is reached, and how far along it is. */
export interface Verdict {
  readonly done: boolean;
  readonly established: number;
  readonly wanted: number;
  /** What is still missing (or "ok"), for progress lines and failure messages. */
  readonly detail: string;
}

/** The sessions of a CalicoNodeStatus's `status.bgp`, both families. */
export function reportedSessions(status: CalicoNodeStatus["status"]): ReportedSession[] {
  const bgp = status?.bgp;
  const read = (family: "v4" | "v6", list: readonly Record<string, unknown>[] | undefined) =>
    (list ?? []).map((p) => ({
      family,
      peerIP: String(p.peerIP ?? ""),
      type: String(p.type ?? ""),
      state: String(p.state ?? ""),
    }));
  return [...read("v4", bgp?.peersV4), ...read("v6", bgp?.peersV6)];
}

function addressOf(node: CheckedNode, family: "v4" | "v6"): string | null {
  return family === "v4" ? node.ipv4 : node.ipv6;
}

function establishedTo(
  sessions: readonly ReportedSession[] | undefined,
  family: "v4" | "v6",
  type: string,
): Set<string> {
  return new Set(
    (sessions ?? [])
      .filter((s) => s.family === family && s.type === type && s.state === "Established")
      .map((s) => s.peerIP),
  );
}

/**
 * Every client is Established to at least `min` reflectors, in every family in use: counted from
 * the reflectors' own reports (a reflector lists every client session), so the cost grows with
 * the reflector count, not the node count; sampled clients must agree from their side.
 */
export function reflectorCoverage(
  observation: BgpObservation,
  input: {
    readonly reflectors: readonly CheckedNode[];
    readonly clients: readonly CheckedNode[];
    readonly sampledClients: readonly CheckedNode[];
    readonly families: readonly ("v4" | "v6")[];
    readonly min: number;
  },
): Verdict {
  let established = 0;
  let wanted = 0;
  const short: string[] = [];
  for (const family of input.families) {
    const servedBy = input.reflectors.map((rr) =>
      establishedTo(observation.get(rr.name), family, "NodePeer"),
    );
    const reflectorIps = new Set(
      input.reflectors.map((rr) => addressOf(rr, family)).filter((ip) => ip !== null),
    );
    for (const client of input.clients) {
      const ip = addressOf(client, family);
      if (ip === null) continue;
      wanted += input.min;
      let count = servedBy.filter((set) => set.has(ip)).length;
      if (input.sampledClients.some((c) => c.name === client.name)) {
        const own = establishedTo(observation.get(client.name), family, "NodePeer");
        count = Math.min(count, [...own].filter((peer) => reflectorIps.has(peer)).length);
      }
      established += Math.min(count, input.min);
      if (count < input.min) short.push(`${client.name} (${family}: ${count}/${input.min})`);
    }
  }
  return {
    done: short.length === 0,
    established,
    wanted,
    detail:
      short.length === 0
        ? `every client Established to >= ${input.min} route reflectors`
        : `${short.length} client(s) below ${input.min} Established reflectors: ${short.slice(0, 8).join(", ")}${short.length > 8 ? ", ..." : ""}`,
  };
}

/** No observed node has a mesh session left (in any state: BIRD must have dropped them). */
export function meshGone(observation: BgpObservation, observed: readonly string[]): Verdict {
  const left = observed.filter((node) =>
    (observation.get(node) ?? [{ type: "NodeMesh" }]).some((s) => s.type === "NodeMesh"),
  );
  return {
    done: left.length === 0,
    established: observed.length - left.length,
    wanted: observed.length,
    detail:
      left.length === 0
        ? "no mesh session left"
        : `mesh sessions still on (or no report yet): ${left.join(", ")}`,
  };
}

/**
 * Each observed node has an Established mesh session to every other mesh member, per family.
 */
export function meshComplete(
  observation: BgpObservation,
  input: {
    readonly observed: readonly CheckedNode[];
    readonly members: readonly CheckedNode[];
    readonly families: readonly ("v4" | "v6")[];
  },
): Verdict {
  let established = 0;
  let wanted = 0;
  const short: string[] = [];
  for (const family of input.families) {
    for (const node of input.observed) {
      if (addressOf(node, family) === null) continue;
      const up = establishedTo(observation.get(node.name), family, "NodeMesh");
      const peers = input.members
        .filter((m) => m.name !== node.name)
        .map((m) => addressOf(m, family))
        .filter((ip) => ip !== null);
      const count = peers.filter((ip) => up.has(ip)).length;
      wanted += peers.length;
      established += count;
      if (count < peers.length) short.push(`${node.name} (${family}: ${count}/${peers.length})`);
    }
  }
  return {
    done: short.length === 0,
    established,
    wanted,
    detail:
      short.length === 0
        ? "every observed node has its full mesh Established"
        : `mesh incomplete on ${short.join(", ")}`,
  };
}
