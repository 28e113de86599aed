import type { KubeHttp } from "@calicokit/testkit";
import { BirdControl } from "./internal/BirdControl.js";
import {
  type BirdDaemonStatus,
  calicoPeerRows,
  daemonStatus,
  peerAddressFromName,
  protocolDetail,
  protocolRows,
  type RouteEntry,
  routeEntries,
  UnparsableRouteSource,
} from "./internal/BirdOutput.js";
import { KubeWatch } from "./internal/KubeWatch.js";
import { calicoPath, type LabCalicoApi } from "./internal/LabObjects.js";
import type { NodeFiles } from "./internal/NodeFiles.js";

type Family = 4 | 6;

/** A `status.bgp.peersV4/V6` entry; `state` is left out when BIRD's word is not a BGP state. */
export interface NodeStatusPeer {
  readonly peerIP: string;
  readonly type: "NodeMesh" | "NodePeer" | "GlobalPeer";
  readonly state?: string;
  readonly since: string;
}

/** The `status` calico-node writes on a CalicoNodeStatus (only the requested classes). */
export interface NodeStatusReport {
  agent?: { birdV4?: BirdDaemonStatus; birdV6?: BirdDaemonStatus };
  bgp?: {
    numberEstablishedV4: number;
    numberNotEstablishedV4: number;
    numberEstablishedV6: number;
    numberNotEstablishedV6: number;
    peersV4?: NodeStatusPeer[];
    peersV6?: NodeStatusPeer[];
  };
  routes?: { routesV4?: RouteEntry[]; routesV6?: RouteEntry[] };
}

interface CalicoNodeStatusObject {
  readonly metadata: { readonly name: string; readonly generation?: number };
  readonly spec?: {
    readonly node?: string;
    readonly classes?: readonly string[];
    readonly updatePeriodSeconds?: number;
  };
  readonly status?: unknown;
}

export interface NodeStatusReporterOptions {
  readonly http: KubeHttp;
  readonly calicoApi: LabCalicoApi;
  /** The BIRD control sockets of a lab node; undefined for nodes the lab does not run. */
  readonly sockets: (node: string) => NodeFiles["socket"] | undefined;
  /** Failed writes and populator aborts, for logs and tests. */
  readonly onError?: (error: Error) => void;
}

const sessionStates = new Set([
  "Idle",
  "Connect",
  "Active",
  "OpenSent",
  "OpenConfirm",
  "Established",
  "Close",
]);

const peerTypes = { Mesh: "NodeMesh", Node: "NodePeer", Global: "GlobalPeer" } as const;

interface Reporter {
  generation: number;
  timer: NodeJS.Timeout | undefined;
  lastWritten: string | undefined;
  queue: Promise<void>;
}

/**
 * calico-node's node-status reporter for the lab's nodes: for each CalicoNodeStatus whose
 * `spec.node` is a lab node (and that sets `updatePeriodSeconds`), reports at once on create or
 * spec change (a newer `metadata.generation`), then every `updatePeriodSeconds` (0: never again);
 * fills the requested classes from BIRD's own answers on the node's control sockets; writes
 * through the status subresource only when the result differs from what it last wrote.
 * Calico's quirks are kept: counters count BIRD protocol state `up`, a non-BGP state word is
 * left empty, an unreachable socket of either family resets all of `bgp` (or `routes`), and a
 * route from an unparsable protocol name aborts the whole update.
 *
 * @example
 * ```ts
 * import { KubeHttp } from "@calicokit/testkit"
 *
 * const http = new KubeHttp({ url: "https://127.0.0.1:6443", caData: "<PEM>", token: "<admin token>" })
 * const sockets = (node: string) => ({ 4: `/run/lab/${node}/bird.ctl`, 6: `/run/lab/${node}/bird6.ctl` })
 * const reporter = await NodeStatusReporter.start({ http, calicoApi: "v3", sockets })
 * reporter.stop()
 * ```
 */
export class NodeStatusReporter {
  private readonly reporters = new Map<string, Reporter>();
  private readonly watch: KubeWatch<CalicoNodeStatusObject>;
  private stopped = false;

  private constructor(private readonly options: NodeStatusReporterOptions) {
    this.watch = new KubeWatch(
      options.http,
      calicoPath(options.calicoApi, "caliconodestatuses"),
      ({ type, object }) => this.onEvent(type, object),
    );
  }

  /** Lists the CalicoNodeStatus objects, starts their reporters and keeps watching. */
  static async start(options: NodeStatusReporterOptions): Promise<NodeStatusReporter> {
    const reporter = new NodeStatusReporter(options);
    await reporter.watch.start();
    return reporter;
  }

  /** Re-reads every object, e.g. after the lab gained a node that some object names. */
  rescan(): void {
    for (const object of this.watch.items.values()) this.onEvent("MODIFIED", object);
  }

  stop(): void {
    this.stopped = true;
    this.watch.stop();
    for (const name of [...this.reporters.keys()]) this.drop(name);
  }

  private onEvent(type: string, object: CalicoNodeStatusObject): void {
    if (this.stopped) return;
    const name = object.metadata.name;
    const node = object.spec?.node;
    const period = object.spec?.updatePeriodSeconds;
    if (
      type === "DELETED" ||
      node === undefined ||
      period === undefined ||
      this.options.sockets(node) === undefined
    ) {
      this.drop(name);
      return;
    }
    const generation = object.metadata.generation ?? 0;
    const existing = this.reporters.get(name);
    // Our own status writes come back as events with the same generation: ignore them.
    if (existing !== undefined && existing.generation >= generation) return;
    if (existing?.timer) clearInterval(existing.timer);
    const reporter: Reporter = existing ?? {
      generation,
      timer: undefined,
      lastWritten: undefined,
      queue: Promise.resolve(),
    };
    reporter.generation = generation;
    reporter.timer =
      period > 0 ? setInterval(() => this.schedule(name, reporter), period * 1000) : undefined;
    this.reporters.set(name, reporter);
    this.schedule(name, reporter);
  }

  private drop(name: string): void {
    const reporter = this.reporters.get(name);
    if (reporter?.timer) clearInterval(reporter.timer);
    this.reporters.delete(name);
  }

  private schedule(name: string, reporter: Reporter): void {
    reporter.queue = reporter.queue.then(() =>
      this.report(name, reporter).catch((error: Error) => this.options.onError?.(error)),
    );
  }

  private async report(name: string, reporter: Reporter): Promise<void> {
    const object = this.watch.items.get(name);
    const node = object?.spec?.node;
    const sockets = node === undefined ? undefined : this.options.sockets(node);
    if (this.stopped || object === undefined || sockets === undefined) return;
    if (this.reporters.get(name) !== reporter) return;
    let status: NodeStatusReport;
    try {
      status = await populate(object.spec?.classes ?? [], sockets);
    } catch (error) {
      if (error instanceof UnparsableRouteSource) return; // calico-node skips this update
      throw error;
    }
    const text = JSON.stringify(status);
    if (text === reporter.lastWritten) return;
    await this.write(object, status);
    reporter.lastWritten = text;
  }

  private async write(object: CalicoNodeStatusObject, status: NodeStatusReport): Promise<void> {
    const path = `${calicoPath(this.options.calicoApi, "caliconodestatuses", object.metadata.name)}/status`;
    const lastUpdated = `${new Date().toISOString().slice(0, 19)}Z`;
    let current: CalicoNodeStatusObject = object;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await this.options.http.request({
        method: "PUT",
        path,
        body: { ...current, status: { ...status, lastUpdated } },
      });
      if (res.status === 200) return;
      if (res.status !== 409 || attempt > 0) {
        throw new Error(`status write for ${object.metadata.name}: HTTP ${res.status} ${res.text}`);
      }
      // Conflict: someone changed the object; take the latest and write once more.
      const fresh = await this.options.http.request({ method: "GET", path });
      if (fresh.status !== 200) return;
      current = fresh.json<CalicoNodeStatusObject>();
    }
  }
}

/** Runs the populators for IPv4 then IPv6, as calico-node's reporter does. */
async function populate(
  classes: readonly string[],
  sockets: NodeFiles["socket"],
): Promise<NodeStatusReport> {
  const status: NodeStatusReport = {};
  for (const family of [4, 6] as const) {
    const suffix = family === 4 ? "V4" : "V6";
    if (classes.includes("Agent")) {
      status.agent = { ...status.agent, [`bird${suffix}`]: await agentStatus(sockets[family]) };
    }
    if (classes.includes("BGP")) {
      const peers = await peerStatus(sockets[family], family);
      // An unreachable socket resets all of `bgp`, the other family included (Calico's quirk).
      const bgp = status.bgp ?? emptyBgp();
      status.bgp =
        peers === undefined
          ? emptyBgp()
          : {
              ...bgp,
              [`numberEstablished${suffix}`]: peers.established,
              [`numberNotEstablished${suffix}`]: peers.notEstablished,
              [`peers${suffix}`]: peers.peers,
            };
    }
    if (classes.includes("Routes")) {
      const routes = await routeStatus(sockets[family], family);
      status.routes = routes === undefined ? {} : { ...status.routes, [`routes${suffix}`]: routes };
    }
  }
  return status;
}

function emptyBgp(): NonNullable<NodeStatusReport["bgp"]> {
  return {
    numberEstablishedV4: 0,
    numberNotEstablishedV4: 0,
    numberEstablishedV6: 0,
    numberNotEstablishedV6: 0,
  };
}

async function withBird<T>(socket: string, use: (bird: BirdControl) => Promise<T>) {
  let bird: BirdControl;
  try {
    bird = await BirdControl.connect(socket);
  } catch {
    return undefined;
  }
  try {
    return await use(bird);
  } catch {
    return undefined;
  } finally {
    bird.close();
  }
}

async function agentStatus(socket: string): Promise<BirdDaemonStatus> {
  const status = await withBird(socket, async (bird) =>
    daemonStatus(bird.greeting, await bird.query("show status")),
  );
  return status ?? { state: "NotReady" };
}

async function peerStatus(socket: string, family: Family) {
  return withBird(socket, async (bird) => {
    const rows = calicoPeerRows(protocolRows(await bird.query("show protocols")));
    const peers: NodeStatusPeer[] = [];
    let established = 0;
    for (const row of rows) {
      const detail = protocolDetail(await bird.query(`show protocols all ${row.name}`));
      const state = detail.bgpState;
      peers.push({
        peerIP:
          detail.neighborAddress ??
          peerAddressFromName(row.name.slice(row.kind.length + 1), family),
        type: peerTypes[row.kind],
        ...(state !== undefined && sessionStates.has(state) ? { state } : {}),
        since: row.since,
      });
      if (row.state === "up") established++;
    }
    return { peers, established, notEstablished: rows.length - established };
  });
}

async function routeStatus(socket: string, family: Family): Promise<RouteEntry[] | undefined> {
  const lines = await withBird(socket, (bird) => bird.query("show route"));
  // Parsed outside the socket guard: an unparsable source must abort the whole update.
  return lines === undefined ? undefined : routeEntries(lines, family);
}
