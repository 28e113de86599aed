import { existsSync } from "node:fs";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import type { KubeHttp } from "@calicokit/testkit";
import { calicoNodeFromKubernetes, fromV1 } from "@calicokit/types";
import type { BgpSnapshot } from "./BgpSnapshot.js";
import { computeClusterBgp, type NodeBgp } from "./BgpTopology.js";
import { renderBirdConfig } from "./BirdConfig.js";
import { checkBirdConfig, reconfigureBird } from "./BirdProcess.js";
import { KubeWatch } from "./internal/KubeWatch.js";
import { calicoPath, type LabCalicoApi } from "./internal/LabObjects.js";
import type { NodeFiles } from "./internal/NodeFiles.js";
import { LabError } from "./LabError.js";
import { NodeStatusReporter } from "./NodeStatusReporter.js";

export interface LabAgentOptions {
  readonly http: KubeHttp;
  readonly calicoApi: LabCalicoApi;
  /** The nodes the agent plays calico-node for, by name (read on every sync). */
  readonly nodes: () => ReadonlyMap<string, NodeFiles>;
  /** Rejected configs, failed reloads and status write errors, for logs and tests. */
  readonly onError?: (error: Error) => void;
}

type Family = 4 | 6;

// biome-ignore lint/suspicious/noExplicitAny: the watches keep raw API objects
type RawObject = any;

/** How long to let a burst of watch events settle before re-rendering. */
const settleMs = 20;
/** Periodic re-sync: retries reloads that failed (e.g. BIRD was restarting). */
const resyncMs = 5000;
/** Where the lab's calico-node runs (a manifest install's namespace): its BGP password Secrets. */
const calicoNodeNamespace = "kube-system";

/**
 * The lab's calico-node, BGP part: watches Nodes, BGPPeers, BGPConfigurations, IPPools,
 * BlockAffinities (list + watch on the lab's API group) and the Secrets of `kube-system` (BGP
 * passwords, read as calico-node reads them from its namespace), computes every lab node's sessions with
 * `computeClusterBgp`, renders them with `renderBirdConfig`, checks a changed file with
 * `bird -p` (a rejected file leaves the old one in force, as confd's check_cmd does), installs it
 * and has BIRD re-read it (`configure`, like confd's SIGHUP: unchanged protocols keep their
 * sessions). BIRD's kernel protocol programs the learned routes into the node's namespace. It also
 * runs the node-status reporter. One agent serves every node of a lab.
 *
 * @example
 * ```ts
 * import { KubeHttp } from "@calicokit/testkit"
 *
 * const http = new KubeHttp({ url: "https://127.0.0.1:6443", caData: "<PEM>", token: "<admin token>" })
 * const agent = await LabAgent.start({ http, calicoApi: "v3", nodes: () => new Map() })
 * agent.stop()
 * ```
 */
export class LabAgent {
  private readonly watches: KubeWatch<RawObject>[];
  private reporter: NodeStatusReporter | undefined;
  private timer: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private readonly pendingReload = new Set<string>();
  private computed: ReadonlyMap<string, NodeBgp> = new Map();

  private constructor(private readonly options: LabAgentOptions) {
    const path = (plural: string) => calicoPath(options.calicoApi, plural);
    const onChange = () => this.schedule();
    this.watches = [
      new KubeWatch(options.http, "/api/v1/nodes", onChange),
      new KubeWatch(options.http, path("bgppeers"), onChange),
      new KubeWatch(options.http, path("bgpconfigurations"), onChange),
      new KubeWatch(options.http, path("ippools"), onChange),
      new KubeWatch(options.http, path("blockaffinities"), onChange),
      // BGP password Secrets, from calico-node's namespace as calico-node reads them
      new KubeWatch(options.http, `/api/v1/namespaces/${calicoNodeNamespace}/secrets`, onChange),
    ];
  }

  /**
   * Lists everything, writes every node's config (before BIRD starts, BIRD reads it at start),
   * then keeps watching and starts the status reporter.
   */
  static async start(options: LabAgentOptions): Promise<LabAgent> {
    const agent = new LabAgent(options);
    try {
      await Promise.all(agent.watches.map((watch) => watch.start()));
      // through drain, like every later sync: a watch event during this first one schedules
      // another, and two syncs at once would stage the same node's file twice
      await agent.resync();
      agent.reporter = await NodeStatusReporter.start({
        http: options.http,
        calicoApi: options.calicoApi,
        sockets: (node) => options.nodes().get(node)?.socket,
        ...(options.onError ? { onError: options.onError } : {}),
      });
      agent.periodic = setInterval(() => agent.schedule(), resyncMs);
      return agent;
    } catch (error) {
      agent.stop();
      throw error;
    }
  }

  /** The last computed BGP of every node in the cluster. */
  get bgp(): ReadonlyMap<string, NodeBgp> {
    return this.computed;
  }

  /** Re-renders now, e.g. after the lab added a node; resolves when that sync is done. */
  async resync(): Promise<void> {
    this.reporter?.rescan();
    this.dirty = true;
    await this.drain();
  }

  /** Stops watching, rendering and reporting. BIRD keeps running with its last config. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.periodic);
    for (const watch of this.watches) watch.stop();
    this.reporter?.stop();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.dirty = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), settleMs);
  }

  /** Runs syncs one at a time until no change is left. */
  private async drain(): Promise<void> {
    while (this.running) await this.running;
    if (!this.dirty || this.stopped) return;
    this.running = this.sync().finally(() => {
      this.running = undefined;
    });
    await this.running;
    if (this.dirty) await this.drain();
  }

  private async sync(): Promise<void> {
    this.dirty = false;
    this.computed = computeClusterBgp(this.snapshot());
    const work: [string, NodeFiles, NodeBgp][] = [];
    for (const [name, files] of this.options.nodes()) {
      const bgp = this.computed.get(name);
      if (bgp !== undefined) work.push([name, files, bgp]);
    }
    // Two at a time per family: the machine is small and every check spawns `bird -p`.
    for (let i = 0; i < work.length; i += 2) {
      await Promise.all(
        work.slice(i, i + 2).flatMap(([name, files, bgp]) =>
          ([4, 6] as const).map((family) =>
            this.apply(name, files, family, bgp).catch((error: Error) => {
              // A stopped BIRD is a fault under test, not an agent error.
              if (!(error instanceof LabError && error._tag === "BirdUnreachable")) {
                this.options.onError?.(error);
              }
            }),
          ),
        ),
      );
    }
  }

  /**
   * What calico-node's syncer would see: core Nodes through Calico's Node view, Calico objects
   * as v3 (v1 storage objects converted as Calico's Kubernetes backend reads them).
   */
  private snapshot(): BgpSnapshot {
    const [nodeWatch, ...calicoWatches] = this.watches;
    const secrets = calicoWatches.pop()?.items;
    const nodes = [...(nodeWatch?.items.values() ?? [])];
    const calico = calicoWatches.map((watch) => [...watch.items.values()]);
    const [bgpPeers, bgpConfigurations, ipPools, blockAffinities] = calico.map((items) =>
      this.options.calicoApi === "v1" ? items.flatMap((item) => this.fromStorage(item)) : items,
    );
    return {
      nodes: nodes.map((node) => calicoNodeFromKubernetes(node).node),
      bgpPeers,
      bgpConfigurations,
      ipPools,
      blockAffinities,
      resolveSecret: (name, key) => {
        const encoded = secrets?.get(name)?.data?.[key];
        return typeof encoded === "string" ? Buffer.from(encoded, "base64").toString() : undefined;
      },
    };
  }

  /** A v1 object as v3; one Calico cannot read is skipped (and reported), as Calico skips it. */
  private fromStorage(item: RawObject): RawObject[] {
    try {
      return [fromV1(item)];
    } catch (error) {
      this.options.onError?.(error as Error);
      return [];
    }
  }

  /** Installs one family's config if it changed, then has BIRD re-read it. */
  private async apply(name: string, files: NodeFiles, family: Family, bgp: NodeBgp) {
    const key = `${name}/${family}`;
    const path = files.config[family];
    const text = renderBirdConfig(bgp, family);
    const current = existsSync(path) ? await readFile(path, "utf8") : undefined;
    if (text !== current) {
      const staged = `${path}.new`;
      await writeFile(staged, text);
      try {
        await checkBirdConfig(family, staged);
      } catch (error) {
        await rm(staged, { force: true });
        throw error;
      }
      await rename(staged, path);
      this.pendingReload.add(key);
    }
    if (!this.pendingReload.has(key)) return;
    // A stopped BIRD reads the installed file when it starts; until then the periodic
    // re-sync keeps retrying, which costs one refused connect.
    await reconfigureBird(files.socket[family]);
    this.pendingReload.delete(key);
  }
}
