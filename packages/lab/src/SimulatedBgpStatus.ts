import type { KubeHttp } from "@calicokit/testkit";
import { calicoNodeFromKubernetes, fromV1 } from "@calicokit/types";
import type { BgpSnapshot, SnapshotNode } from "./BgpSnapshot.js";
import { type BgpSessionKind, computeNodesBgp } from "./BgpTopology.js";
import { type KubeObject, KubeWatch } from "./internal/KubeWatch.js";
import { calicoPath, type LabCalicoApi } from "./internal/LabObjects.js";
import type { NodeStatusPeer, NodeStatusReport } from "./NodeStatusReporter.js";

export interface SimulatedBgpStatusOptions {
  readonly http: KubeHttp;
  readonly calicoApi: LabCalicoApi;
  /**
   * How long a newly configured session takes to become Established, as BIRD's connect delay
   * would. Default 0: Established as soon as calico-node's config has it.
   */
  readonly connectDelayMs?: number;
  /** Failed status writes, for logs and tests. */
  readonly onError?: (error: Error) => void;
  /** After each status write: the moment a waiting reader can first see the sessions. */
  readonly onReport?: (report: SimulatedBgpReport) => void;
}

/** One status write of the simulated reporter. */
export interface SimulatedBgpReport {
  /** The CalicoNodeStatus object written. */
  readonly name: string;
  readonly node: string;
  /** Date.now() once the write was accepted. */
  readonly at: number;
  /** Established sessions in the report, both families. */
  readonly established: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the watches keep raw API objects
type RawObject = any;

interface StatusObject extends KubeObject {
  readonly spec?: { readonly node?: string; readonly updatePeriodSeconds?: number };
}

/** The cluster's BGP inputs from some moment on (`at`: Date.now(); -Infinity for the start). */
interface Moment {
  readonly at: number;
  readonly snapshot: BgpSnapshot;
}

interface Reporter {
  generation: number;
  timer: NodeJS.Timeout | undefined;
  lastWritten: string | undefined;
  /** When each session (`family|type|peerIP`) was first reported to this object. */
  readonly since: Map<string, string>;
  queue: Promise<void>;
}

const peerTypes: Record<BgpSessionKind, NodeStatusPeer["type"]> = {
  Mesh: "NodeMesh",
  Node: "NodePeer",
  Global: "GlobalPeer",
};

/** Moments older than the one current at `now - connectDelay - keepMs` are dropped. */
const keepMs = 60_000;
/** How long to let a burst of watch events settle into one moment. */
const settleMs = 20;

/**
 * A stand-in for calico-node's BGP status reporting where no BIRD runs (scale benchmarks): it
 * watches Nodes, BGPPeers, BGPConfigurations and CalicoNodeStatus objects, and fills each
 * CalicoNodeStatus that asks for a node's BGP (`spec.node`, `updatePeriodSeconds`) with the
 * sessions calico-node's confd would configure for that node (`computeNodeBgp`), each
 * Established once it has been configured, without interruption, for `connectDelayMs` (both
 * ends of a Calico peering are configured together, so one side's config decides). Reports at
 * once on create or spec change, then every `updatePeriodSeconds`; writes the status
 * subresource only when the report changed. `topologyChanges` records when the inputs changed.
 *
 * @example
 * ```ts
 * import { KubeHttp } from "@calicokit/testkit"
 *
 * const http = new KubeHttp({ url: "https://127.0.0.1:6443", caData: "<PEM>", token: "<admin token>" })
 * const reporter = await SimulatedBgpStatus.start({ http, calicoApi: "v3", connectDelayMs: 1500 })
 * console.log(reporter.topologyChanges.length) // 0 until a Node, BGPPeer or BGPConfiguration changes
 * reporter.stop()
 * ```
 */
export class SimulatedBgpStatus {
  private readonly topology: KubeWatch<RawObject>[];
  private readonly statuses: KubeWatch<StatusObject>;
  private readonly reporters = new Map<string, Reporter>();
  private readonly moments: Moment[] = [];
  private readonly sessionCache = new WeakMap<BgpSnapshot, Map<string, Set<string>>>();
  private readonly converted = new WeakMap<RawObject, SnapshotNode>();
  private readonly changes: number[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  private constructor(private readonly options: SimulatedBgpStatusOptions) {
    const path = (plural: string) => calicoPath(options.calicoApi, plural);
    const onChange = () => this.topologyChanged();
    this.topology = [
      new KubeWatch(options.http, "/api/v1/nodes", onChange),
      new KubeWatch(options.http, path("bgppeers"), onChange),
      new KubeWatch(options.http, path("bgpconfigurations"), onChange),
    ];
    this.statuses = new KubeWatch(options.http, path("caliconodestatuses"), ({ type, object }) =>
      this.onStatus(type, object),
    );
  }

  /** Lists everything (the listed state counts as Established from the start), then watches. */
  static async start(options: SimulatedBgpStatusOptions): Promise<SimulatedBgpStatus> {
    const reporter = new SimulatedBgpStatus(options);
    try {
      await Promise.all(reporter.topology.map((watch) => watch.start()));
      reporter.moments.push({ at: Number.NEGATIVE_INFINITY, snapshot: reporter.snapshot() });
      reporter.started = true;
      await reporter.statuses.start();
      return reporter;
    } catch (error) {
      reporter.stop();
      throw error;
    }
  }

  /** When (Date.now()) a change of Nodes, BGPPeers or BGPConfigurations was taken in. */
  get topologyChanges(): readonly number[] {
    return this.changes;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.settleTimer);
    for (const watch of [...this.topology, this.statuses]) watch.stop();
    for (const reporter of this.reporters.values()) clearInterval(reporter.timer);
    this.reporters.clear();
  }

  private topologyChanged(): void {
    if (!this.started || this.stopped) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      const at = Date.now();
      this.changes.push(at);
      this.moments.push({ at, snapshot: this.snapshot() });
      const horizon = at - (this.options.connectDelayMs ?? 0) - keepMs;
      while ((this.moments[1]?.at ?? Number.POSITIVE_INFINITY) <= horizon) this.moments.shift();
    }, settleMs);
  }

  /** What calico-node's syncer would see now (core Nodes through Calico's Node view). */
  private snapshot(): BgpSnapshot {
    const [nodes, peers, configurations] = this.topology.map((watch) => [...watch.items.values()]);
    const calico = (items: RawObject[] = []) =>
      this.options.calicoApi === "v1" ? items.flatMap((item) => this.fromStorage(item)) : items;
    return {
      nodes: (nodes ?? []).map((node) => {
        const known = this.converted.get(node);
        if (known !== undefined) return known;
        const view = calicoNodeFromKubernetes(node).node;
        this.converted.set(node, view);
        return view;
      }),
      bgpPeers: calico(peers),
      bgpConfigurations: calico(configurations),
    };
  }

  private fromStorage(item: RawObject): RawObject[] {
    try {
      return [fromV1(item)];
    } catch (error) {
      this.options.onError?.(error as Error);
      return [];
    }
  }

  /**
   * The node's configured sessions in a snapshot, as `family|type|peerIP` keys; computed for
   * every reported node at once (one read of the cluster), then cached with the snapshot.
   */
  private sessionsAt(snapshot: BgpSnapshot, node: string): Set<string> {
    let byNode = this.sessionCache.get(snapshot);
    if (byNode === undefined) {
      byNode = new Map();
      this.sessionCache.set(snapshot, byNode);
    }
    const known = byNode.get(node);
    if (known !== undefined) return known;
    const reported = [...this.statuses.items.values()].flatMap((o) => o.spec?.node ?? []);
    const wanted = [...new Set([node, ...reported])].filter((name) => !byNode.has(name));
    const computed = computeNodesBgp(snapshot, wanted);
    for (const name of wanted) {
      const bgp = computed.get(name);
      const keys = new Set<string>();
      for (const [family, sessions] of [
        ["4", bgp?.ipv4.sessions ?? []],
        ["6", bgp?.ipv6.sessions ?? []],
      ] as const) {
        for (const s of sessions) keys.add(`${family}|${peerTypes[s.kind]}|${s.peerIP}`);
      }
      byNode.set(name, keys);
    }
    return byNode.get(node) ?? new Set();
  }

  private onStatus(type: string, object: StatusObject): void {
    if (this.stopped) return;
    const name = object.metadata.name;
    const period = object.spec?.updatePeriodSeconds;
    const existing = this.reporters.get(name);
    if (type === "DELETED" || object.spec?.node === undefined || period === undefined) {
      clearInterval(existing?.timer);
      this.reporters.delete(name);
      return;
    }
    const generation = object.metadata.generation ?? 0;
    // our own status writes come back with the same generation: nothing to redo
    if (existing !== undefined && existing.generation >= generation) return;
    clearInterval(existing?.timer);
    const reporter: Reporter = existing ?? {
      generation,
      timer: undefined,
      lastWritten: undefined,
      since: new Map(),
      queue: Promise.resolve(),
    };
    reporter.generation = generation;
    reporter.timer =
      period > 0 ? setInterval(() => this.schedule(name, reporter), period * 1000) : undefined;
    this.reporters.set(name, reporter);
    this.schedule(name, reporter);
  }

  private schedule(name: string, reporter: Reporter): void {
    reporter.queue = reporter.queue.then(() =>
      this.report(name, reporter).catch((error: Error) => this.options.onError?.(error)),
    );
  }

  /** Established: configured in every moment since `now - connectDelayMs`; else Connect. */
  private report(name: string, reporter: Reporter): Promise<void> {
    const object = this.statuses.items.get(name);
    const node = object?.spec?.node;
    if (this.stopped || object === undefined || node === undefined) return Promise.resolve();
    if (this.reporters.get(name) !== reporter) return Promise.resolve();
    const now = Date.now();
    const cutoff = now - (this.options.connectDelayMs ?? 0);
    const current = this.moments.length - 1;
    let first = current;
    while (first > 0 && (this.moments[first]?.at ?? 0) > cutoff) first--;
    const window = this.moments.slice(first, current + 1);
    const configured = this.sessionsAt(window.at(-1)?.snapshot ?? { nodes: [] }, node);
    const peers = { "4": [] as NodeStatusPeer[], "6": [] as NodeStatusPeer[] };
    for (const key of [...configured].sort()) {
      const [family, type, peerIP] = key.split("|") as ["4" | "6", NodeStatusPeer["type"], string];
      const up = window.every((m) => this.sessionsAt(m.snapshot, node).has(key));
      const since = reporter.since.get(key) ?? new Date(now).toISOString();
      reporter.since.set(key, since);
      peers[family].push({ peerIP, type, state: up ? "Established" : "Connect", since });
    }
    for (const key of reporter.since.keys()) if (!configured.has(key)) reporter.since.delete(key);
    const established = (list: readonly NodeStatusPeer[]) =>
      list.filter((p) => p.state === "Established").length;
    const status: NodeStatusReport = {
      bgp: {
        numberEstablishedV4: established(peers["4"]),
        numberNotEstablishedV4: peers["4"].length - established(peers["4"]),
        numberEstablishedV6: established(peers["6"]),
        numberNotEstablishedV6: peers["6"].length - established(peers["6"]),
        peersV4: peers["4"],
        peersV6: peers["6"],
      },
    };
    const text = JSON.stringify(status);
    if (text === reporter.lastWritten) return Promise.resolve();
    return this.write(name, status).then(() => {
      reporter.lastWritten = text;
      this.options.onReport?.({
        name,
        node,
        at: Date.now(),
        established: established(peers["4"]) + established(peers["6"]),
      });
    });
  }

  private async write(name: string, status: NodeStatusReport): Promise<void> {
    const res = await this.options.http.request({
      method: "PATCH",
      path: `${calicoPath(this.options.calicoApi, "caliconodestatuses", name)}/status`,
      body: { status: { ...status, lastUpdated: `${new Date().toISOString().slice(0, 19)}Z` } },
      contentType: "application/merge-patch+json",
    });
    // deleted meanwhile: the verification that asked is over
    if (res.status !== 200 && res.status !== 404) {
      throw new Error(`status write for ${name}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
    }
  }
}
