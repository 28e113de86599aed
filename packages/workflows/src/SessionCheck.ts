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

/** A node short of the reflector sessions it should have, in one family. */
export interface Shortfall {
  readonly node: string;
  /** `client`: a client short of reflectors; `reflector`: a reflector short of its fellows. */
  readonly role: "client" | "reflector";
  readonly family: "v4" | "v6";
  /** Reflectors it is Established to (both sides agreeing where both report), and how many it needs. */
  readonly established: number;
  readonly wanted: number;
  /** The reflectors it has no Established session with. */
  readonly missing: readonly string[];
}

/**
 * Where the observed nodes stand, judged only once every node that should report has: `met`
 * (done); `degraded` (some node is short, but every client still has at least one Established
 * reflector in every family in use); `lost` (a client has none in a family: with the mesh off,
 * its traffic is being dropped). `waiting`: a report is still missing, or a mesh check is not done.
 */
export type Standing = "met" | "waiting" | "degraded" | "lost";

/** Whether the wanted state is reached, how far along it is, and how bad what is missing is. */
export interface Verdict {
  readonly done: boolean;
  readonly established: number;
  readonly wanted: number;
  /** What is still missing (or "ok"), for progress lines and failure messages. */
  readonly detail: string;
  readonly standing: Standing;
  /** Each node short of reflector sessions (reflector checks only; empty for the mesh checks). */
  readonly short: readonly Shortfall[];
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
 * Every client is Established to at least `min` reflectors, and every reflector to every other
 * reflector when the topology peers them (`reflectorsPeer`), in every family in use. Counted from the reflectors' own reports (a reflector lists
 * every client session and its sessions with the other reflectors), so the cost grows with the
 * reflector count, not the node count; sampled clients must agree from their side. Reflectors in
 * `gone` (deleted) report nothing: every session with them counts as down.
 */
export function reflectorCoverage(
  observation: BgpObservation,
  input: {
    readonly reflectors: readonly CheckedNode[];
    readonly clients: readonly CheckedNode[];
    readonly sampledClients: readonly CheckedNode[];
    readonly families: readonly ("v4" | "v6")[];
    readonly min: number;
    /**
     * Whether a BGPPeer peers the reflectors with each other (calicokit's does; a hand-made
     * cluster may have clients-to-reflectors only): only then are those sessions required.
     */
    readonly reflectorsPeer: boolean;
    readonly gone?: readonly string[];
    /**
     * Nodes whose sessions were just reconfigured and restart (a reflector that left the set is
     * a client now): their shortfall keeps the verdict not done, but is not a degradation.
     */
    readonly settling?: readonly string[];
  },
): Verdict {
  const gone = new Set(input.gone ?? []);
  const settling = new Set(input.settling ?? []);
  let established = 0;
  let wanted = 0;
  const short: Shortfall[] = [];
  for (const family of input.families) {
    const reflectors = input.reflectors.filter((rr) => addressOf(rr, family) !== null);
    const sessionsOf = (name: string) => establishedTo(observation.get(name), family, "NodePeer");
    const served = new Map(reflectors.map((rr) => [rr.name, sessionsOf(rr.name)]));
    // the reflectors other than `node` Established with it, from their reports and, when
    // `node` reports too, from its own
    const upWith = (node: CheckedNode, own: Set<string> | undefined) => {
      const ip = addressOf(node, family);
      return reflectors.filter(
        (rr) =>
          rr.name !== node.name &&
          served.get(rr.name)?.has(ip as string) === true &&
          (own === undefined || own.has(addressOf(rr, family) as string)),
      );
    };
    const tally = (node: CheckedNode, role: Shortfall["role"], up: CheckedNode[], need: number) => {
      wanted += need;
      established += Math.min(up.length, need);
      if (up.length >= need) return;
      const missing = reflectors
        .filter((rr) => rr.name !== node.name && !up.includes(rr))
        .map((rr) => rr.name);
      short.push({ node: node.name, role, family, established: up.length, wanted: need, missing });
    };
    for (const client of input.clients) {
      if (addressOf(client, family) === null) continue;
      const sampled = input.sampledClients.some((c) => c.name === client.name);
      tally(
        client,
        "client",
        upWith(client, sampled ? sessionsOf(client.name) : undefined),
        input.min,
      );
    }
    for (const rr of input.reflectorsPeer ? reflectors : []) {
      if (gone.has(rr.name)) continue;
      tally(rr, "reflector", upWith(rr, sessionsOf(rr.name)), reflectors.length - 1);
    }
  }
  const reporters = [
    ...input.reflectors.filter((rr) => !gone.has(rr.name)),
    ...input.sampledClients,
  ];
  const unreported = reporters.filter((n) => !observation.has(n.name)).map((n) => n.name);
  const clientsShort = short.filter((s) => s.role === "client");
  const reflectorsShort = short.filter((s) => s.role === "reflector");
  const judged = short.filter((s) => !settling.has(s.node));
  const standing: Standing =
    short.length === 0
      ? "met"
      : unreported.length > 0 || judged.length === 0
        ? "waiting"
        : judged.some((s) => s.role === "client" && s.established === 0)
          ? "lost"
          : "degraded";
  const listed = (items: readonly string[]) =>
    `${items.slice(0, 8).join(", ")}${items.length > 8 ? ", ..." : ""}`;
  const details = [
    clientsShort.length > 0 &&
      `${clientsShort.length} client(s) below ${input.min} Established reflectors: ${listed(clientsShort.map((s) => `${s.node} (${s.family}: ${s.established}/${s.wanted})`))}`,
    reflectorsShort.length > 0 &&
      `${reflectorsShort.length} reflector(s) not Established with every other reflector: ${listed(reflectorsShort.map((s) => `${s.node} (${s.family}: lacks ${s.missing.join(" ")})`))}`,
    unreported.length > 0 && `no report yet from ${listed(unreported)}`,
  ].filter((d) => d !== false);
  return {
    done: short.length === 0,
    established,
    wanted,
    standing,
    short,
    detail:
      short.length === 0
        ? `every client Established to >= ${input.min} route reflectors${input.reflectorsPeer ? ", every reflector to the others" : ""}`
        : details.join("; "),
  };
}

/** Nodes that lack the same reflectors (in one role and family), as events name them. */
export interface LackingReflectors {
  readonly role: Shortfall["role"];
  readonly family: "v4" | "v6";
  readonly missing: readonly string[];
  /** The first nodes of the group (at most the limit), and how many there are. */
  readonly nodes: readonly string[];
  readonly count: number;
}

/**
 * The nodes of `short` grouped by what they lack, at most `limit` names per group with the full
 * count: an event names who lacks which reflector without growing with the node count (one
 * reflector down leaves every client short of the same one).
 */
export function lackingReflectors(short: readonly Shortfall[], limit = 20): LackingReflectors[] {
  const groups = new Map<string, LackingReflectors & { nodes: string[]; count: number }>();
  for (const s of short) {
    const key = `${s.role} ${s.family} ${s.missing.join(",")}`;
    const group = groups.get(key) ?? {
      role: s.role,
      family: s.family,
      missing: s.missing,
      nodes: [],
      count: 0,
    };
    if (group.nodes.length < limit) group.nodes.push(s.node);
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()];
}

const standingOrder: readonly Standing[] = ["met", "waiting", "degraded", "lost"];

/**
 * Two verdicts over the same observation as one: done when both are; the worse standing (a
 * client that lost its reflectors outweighs everything, a degraded one outweighs a mesh check
 * still waiting for BIRD to follow).
 */
export function bothVerdicts(a: Verdict, b: Verdict): Verdict {
  return {
    done: a.done && b.done,
    established: a.established + b.established,
    wanted: a.wanted + b.wanted,
    standing:
      standingOrder[
        Math.max(standingOrder.indexOf(a.standing), standingOrder.indexOf(b.standing))
      ] ?? "waiting",
    short: [...a.short, ...b.short],
    detail:
      [a, b]
        .filter((v) => !v.done)
        .map((v) => v.detail)
        .join("; ") || `${a.detail}; ${b.detail}`,
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
    standing: left.length === 0 ? "met" : "waiting",
    short: [],
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
    standing: short.length === 0 ? "met" : "waiting",
    short: [],
    detail:
      short.length === 0
        ? "every observed node has its full mesh Established"
        : `mesh incomplete on ${short.join(", ")}`,
  };
}
