import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type ControlPlane, type KubeHttp, startControlPlane } from "@calicokit/testkit";
import { BirdProcess, type BirdStopMode } from "./BirdProcess.js";
import { birdQuery } from "./internal/BirdControl.js";
import { type CalicoPeerRow, calicoBgpProtocols, protocolRows } from "./internal/BirdOutput.js";
import { toolHint } from "./internal/Command.js";
import {
  labSubnetV4,
  labSubnetV6PrefixLength,
  maxLabNodes,
  nodeIPv4,
  nodeIPv6,
  podBlockV4,
  podBlockV6,
} from "./internal/LabAddressing.js";
import { requestOk } from "./internal/LabApi.js";
import {
  blockAffinity,
  calicoPath,
  clusterInformation,
  coreNode,
  coreNodeAddresses,
  defaultBgpConfiguration,
  ipamBlock,
  ipPool,
  type LabCalicoApi,
  type LabNodeSpec,
} from "./internal/LabObjects.js";
import { checkAddNodeOptions, checkLabOptions } from "./internal/LabOptionsCheck.js";
import { type NodeFiles, nodeFiles } from "./internal/NodeFiles.js";
import { privilegeProblem } from "./internal/Privileges.js";
import { LabAgent } from "./LabAgent.js";
import { LabError } from "./LabError.js";
import { LabNetwork, type NodeLink } from "./LabNetwork.js";
import type { AddNodeOptions, LabOptions } from "./LabOptions.js";
import { type RouteGap, RouteProbe } from "./RouteProbe.js";

/** One node as `lab status -o json` prints it. */
export interface LabNodeStatus {
  readonly name: string;
  readonly netns: string;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly zone: string;
  /** The node's effective AS (own, else global, else 64512). */
  readonly asNumber: number;
  readonly routeReflectorClusterID: string | null;
  /** The node's IPv4 pod block. */
  readonly podCIDR: string;
  readonly podCIDRv6?: string;
  /** BIRD's (IPv4) control socket: `birdc -s <birdSocket> show protocols`. */
  readonly birdSocket: string;
  readonly bird6Socket: string;
}

export interface LabStatus {
  readonly name: string;
  /** Path of the admin kubeconfig of the lab's API server. */
  readonly kubeconfig: string;
  readonly calicoApi: LabCalicoApi;
  readonly nodes: readonly LabNodeStatus[];
}

/** One of a node's Calico BGP sessions as its BIRD reports it (`birdc show protocols`). */
export interface LabBgpSession {
  /** `Mesh_10_99_0_2`, `Node_...`, `Global_...`. */
  readonly name: string;
  readonly kind: CalicoPeerRow["kind"];
  /** BIRD's BGP state word and last error, e.g. `Established` or `Active Socket: ...`. */
  readonly info: string;
  readonly established: boolean;
}

interface LabNode {
  readonly spec: LabNodeSpec;
  readonly link: NodeLink;
  readonly files: NodeFiles;
  readonly blocks: readonly string[];
  readonly birds: Map<4 | 6, BirdProcess>;
}

/**
 * Longest gap that is BIRD 1.6 updating a kernel route rather than losing it: its netlink code
 * deletes the old route and then adds the new one, and on a loaded machine the add can trail the
 * delete by a few milliseconds. Losses that matter (the ~2 s of a mesh change) are far longer.
 */
export const birdRouteReplaceMs = 50;

/** Calico's default AS when neither node nor BGPConfiguration sets one. */
const defaultASNumber = 64512;
/** The Calico version the lab's ClusterInformation claims (the BGP behaviour it mirrors). */
const mirroredCalicoVersion = "v3.32.1";

/**
 * A local Calico cluster whose BGP is real: a kube-apiserver with Calico's CRDs (testkit), one
 * network namespace per node on a shared bridge, one BIRD 1.6 (and bird6) per node, and an
 * agent doing calico-node's BGP job (render, check, reload, CalicoNodeStatus). Needs root.
 *
 * @example
 * ```ts
 * const lab = await Lab.up({ name: "demo", nodes: 4, zones: 2, asNumber: 64512, calicoApi: "v3" })
 * try {
 *   const { nodes } = lab.status() // birdc -s nodes[0].birdSocket show protocols
 *   lab.routeGaps()                // [] while every node reaches every block
 * } finally {
 *   await lab.down()
 * }
 * ```
 */
export class Lab {
  private readonly nodes = new Map<string, LabNode>();
  private agent: LabAgent | undefined;
  private probe: RouteProbe | undefined;
  private readonly errorLog: Error[] = [];
  private downed = false;

  private constructor(
    readonly name: string,
    readonly calicoApi: LabCalicoApi,
    /** The lab's API server (admin access through `controlPlane.http()`). */
    readonly controlPlane: ControlPlane,
    private readonly network: LabNetwork,
    private readonly dir: string,
    private readonly options: LabOptions,
  ) {}

  /**
   * Starts a lab: first removes what a crashed lab of the same name left behind, then the API
   * server, the Calico objects calico-node and Calico IPAM would have written (Nodes, default
   * IPPool, one block per node with its BlockAffinity), the namespaces, the agent (which
   * renders every node's config) and BIRD. Resolves once every BIRD answers on its socket;
   * sessions come up within seconds after.
   */
  static async up(options: LabOptions): Promise<Lab> {
    checkLabOptions(options);
    assertPrivileged();
    for (const tool of ["ip", "ss", "bird", "bird6"]) assertInstalled(tool);
    const dir = join(options.workDir ?? tmpdir(), `calicokit-lab.${options.name}`);
    await Lab.removeLeftovers(options.name, options.workDir);
    mkdirSync(dir, { recursive: true });
    await writeFile(join(dir, "lab.json"), JSON.stringify({ ownerPid: process.pid }));

    const controlPlane = await startControlPlane({ calicoApi: options.calicoApi, workDir: dir });
    let network: LabNetwork | undefined;
    try {
      network = await LabNetwork.create(options.name);
      const lab = new Lab(options.name, options.calicoApi, controlPlane, network, dir, options);
      await lab.seedCluster();
      for (let index = 1; index <= options.nodes; index++) {
        await lab.createNode(index, zoneOf(options, index), {});
      }
      const links = [...lab.nodes.values()].map((node) => node.link);
      await network.linkNeighbors(links, links);
      lab.agent = await lab.startAgentInstance();
      // The agent's first list can come from a watch cache that lags the Nodes just created (a
      // loaded machine, two labs starting at once): BIRD then found no config and exited.
      for (const node of lab.nodes.values()) await lab.waitForConfig(node);
      await forEachLimited([...lab.nodes.values()], 4, (node) => lab.startBirds(node));
      if (options.routeProbe !== false) {
        lab.probe = new RouteProbe((error) => lab.recordError(error));
        lab.probe.setNodes(lab.probedNodes());
      }
      return lab;
    } catch (error) {
      await network?.destroy();
      await controlPlane.stop();
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Removes what a lab of this name left behind (namespaces, the processes in them, its temp
   * dir). Refuses with `NameInUse` when another live process still owns that lab.
   */
  static async removeLeftovers(name: string, workDir?: string): Promise<void> {
    const dir = join(workDir ?? tmpdir(), `calicokit-lab.${name}`);
    const owner = ownerPid(dir);
    if (owner !== undefined && owner !== process.pid && processAlive(owner)) {
      throw new LabError(
        "NameInUse",
        `lab ${name} is still run by process ${owner}`,
        `stop that process (it runs lab.down() on exit), or pick another lab name`,
      );
    }
    await LabNetwork.removeLeftovers(name);
    rmSync(dir, { recursive: true, force: true });
  }

  /** Names, addresses, AS, cluster ID, pod block and BIRD sockets of every node. */
  status(): LabStatus {
    const bgp = this.agent?.bgp;
    return {
      name: this.name,
      kubeconfig: this.controlPlane.admin.kubeconfigPath,
      calicoApi: this.calicoApi,
      nodes: [...this.nodes.values()].map((node): LabNodeStatus => {
        const computed = bgp?.get(node.spec.name);
        return {
          name: node.spec.name,
          netns: node.link.netns,
          ipv4: node.spec.ipv4,
          ...(node.spec.ipv6 === undefined ? {} : { ipv6: node.spec.ipv6 }),
          zone: node.spec.zone,
          asNumber: computed?.asNumber ?? this.options.asNumber ?? defaultASNumber,
          routeReflectorClusterID: computed?.rrClusterId || null,
          podCIDR: node.blocks[0] ?? "",
          ...(node.blocks[1] === undefined ? {} : { podCIDRv6: node.blocks[1] }),
          birdSocket: node.files.socket[4],
          bird6Socket: node.files.socket[6],
        };
      }),
    };
  }

  /**
   * A node's Calico BGP sessions, read from its BIRD now (IPv4 unless `family` is 6): every
   * `Mesh_`/`Node_`/`Global_` protocol BIRD lists, including ones going down after a reconfigure
   * (which `calicoctl node status` would hide).
   */
  async bgpSessions(node: string, family: 4 | 6 = 4): Promise<LabBgpSession[]> {
    const socket = this.node(node).files.socket[family];
    return calicoBgpProtocols(protocolRows(await birdQuery(socket, "show protocols"))).map(
      (row) => ({
        name: row.name,
        kind: row.kind,
        info: row.info,
        established: row.state === "up" && row.info.startsWith("Established"),
      }),
    );
  }

  /** The admin API client of the lab's API server. */
  get http(): KubeHttp {
    return this.controlPlane.http();
  }

  /**
   * What went wrong in the background (rejected configs, failed status writes, route tables the
   * probe could not read), oldest first, at most 200.
   */
  get errors(): readonly Error[] {
    return this.errorLog;
  }

  /**
   * The route probe's gaps since `since` (default: since the lab came up), of at least
   * `atLeastMs` (default 0: every gap). Pass `birdRouteReplaceMs` to leave out the few
   * milliseconds in which BIRD 1.6 replaces a kernel route (it deletes, then adds).
   */
  routeGaps(options: { readonly since?: Date; readonly atLeastMs?: number } = {}): RouteGap[] {
    if (this.probe === undefined) {
      throw new LabError(
        "InvalidOptions",
        "this lab runs without a route probe",
        "drop routeProbe: false",
      );
    }
    const atLeastMs = options.atLeastMs ?? 0;
    return this.probe.gaps(options.since).filter((g) => g.durationMs >= atLeastMs);
  }

  /** Reads every node's kernel routes now, so `routeGaps` is current to the millisecond. */
  async sampleRoutes(): Promise<void> {
    await this.probe?.sample();
  }

  // -- faults ------------------------------------------------------------------------------

  /**
   * Stops a node's BIRD (both families unless `family` is given). `graceful` (default) is a
   * SIGTERM: peers get a Cease and drop its routes at once; `kill` is a SIGKILL: peers keep its
   * routes as stale for the graceful-restart time.
   */
  async stopBird(
    node: string,
    options: { readonly mode?: BirdStopMode; readonly family?: 4 | 6 } = {},
  ): Promise<void> {
    const target = this.node(node);
    for (const family of options.family === undefined ? ([4, 6] as const) : [options.family]) {
      await target.birds.get(family)?.stop(options.mode ?? "graceful");
      target.birds.delete(family);
    }
  }

  /** Starts a node's stopped BIRD daemons again (with `-R`, as calico-node restarts them). */
  async startBird(node: string): Promise<void> {
    await this.startBirds(this.node(node));
  }

  /**
   * Blocks BGP (TCP/179) between two nodes. By default also cuts their open sessions (a firewall
   * alone would leave them to the 240 s hold timer); `cutEstablished: false` keeps them.
   * `family` blocks one address family only (e.g. IPv6 down while IPv4 stays up).
   */
  async blockBgp(
    a: string,
    b: string,
    options: { readonly cutEstablished?: boolean; readonly family?: 4 | 6 } = {},
  ) {
    await this.network.blockBgp(
      this.node(a).link,
      this.node(b).link,
      options.cutEstablished ?? true,
      options.family,
    );
  }

  /** Lifts `blockBgp`; the sessions come back on BIRD's next connect retry (≤ 5 s). */
  async unblockBgp(a: string, b: string): Promise<void> {
    await this.network.unblockBgp(this.node(a).link, this.node(b).link);
  }

  /** Stops the agent, as if calico-node's confd died: BIRD keeps its last config and sessions. */
  stopAgent(): void {
    this.agent?.stop();
    this.agent = undefined;
  }

  /** Starts a fresh agent; unchanged configs are not reloaded, so sessions are kept. */
  async startAgent(): Promise<void> {
    if (this.agent !== undefined) return;
    this.agent = await this.startAgentInstance();
  }

  /** Adds a node while the lab runs (next free index); resolves when its BIRD runs. */
  async addNode(options: AddNodeOptions = {}): Promise<LabNodeStatus> {
    checkAddNodeOptions(options);
    let index = 1;
    const used = new Set([...this.nodes.values()].map((n) => n.link.index));
    while (used.has(index)) index++;
    if (index > maxLabNodes) {
      throw new LabError("InvalidOptions", `a lab holds at most ${maxLabNodes} nodes`);
    }
    const node = await this.createNode(index, options.zone ?? zoneOf(this.options, index), options);
    await this.network.linkNeighbors(
      [node.link],
      [...this.nodes.values()].map((n) => n.link),
    );
    await this.waitForConfig(node);
    await this.startBirds(node);
    this.probe?.setNodes(this.probedNodes());
    const status = this.status().nodes.find((n) => n.name === node.spec.name);
    if (status === undefined) throw new LabError("UnknownNode", `${node.spec.name} vanished`);
    return status;
  }

  /**
   * Removes a node as a decommissioning would: deletes its Node, block and affinity (as
   * kube-controllers' IPAM clean-up does), stops its BIRD (peers see a Cease) and removes its
   * namespace.
   */
  async removeNode(name: string): Promise<void> {
    const node = this.node(name);
    const api = this.calicoApi;
    await this.request("DELETE", `/api/v1/nodes/${name}`);
    for (const block of node.blocks) {
      await this.request(
        "DELETE",
        calicoPath(api, "blockaffinities", blockAffinity(api, name, block).metadata.name),
      );
      await this.request(
        "DELETE",
        calicoPath(api, "ipamblocks", ipamBlock(api, name, block).metadata.name),
      );
    }
    await this.stopBird(name);
    this.nodes.delete(name);
    await this.network.removeNode(node.link.netns);
    rmSync(node.files.dir, { recursive: true, force: true });
    this.probe?.setNodes(this.probedNodes());
    await this.agent?.resync();
  }

  /** Stops everything and removes every namespace, link, process and temp file. Idempotent. */
  async down(): Promise<void> {
    if (this.downed) return;
    this.downed = true;
    this.probe?.stop();
    this.stopAgent();
    await Promise.all(
      [...this.nodes.values()].flatMap((node) =>
        [...node.birds.values()].map((b) => b.stop("kill")),
      ),
    );
    await this.network.destroy();
    await this.controlPlane.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // -- internals ---------------------------------------------------------------------------

  private node(name: string): LabNode {
    const node = this.nodes.get(name);
    if (node === undefined) {
      throw new LabError(
        "UnknownNode",
        `lab ${this.name} has no node ${name}`,
        `nodes: ${[...this.nodes.keys()].join(", ")}`,
      );
    }
    return node;
  }

  private request(method: string, path: string, body?: unknown, contentType?: string) {
    return requestOk(this.http, method, path, body, contentType);
  }

  /** Cluster-wide objects: pools, ClusterInformation, and the BGPConfiguration when an AS is given. */
  private async seedCluster(): Promise<void> {
    const api = this.calicoApi;
    await this.request(
      "POST",
      calicoPath(api, "clusterinformations"),
      clusterInformation(api, mirroredCalicoVersion),
    );
    await this.request("POST", calicoPath(api, "ippools"), ipPool(api, 4));
    if (this.options.ipv6) await this.request("POST", calicoPath(api, "ippools"), ipPool(api, 6));
    if (this.options.asNumber !== undefined) {
      await this.request(
        "POST",
        calicoPath(api, "bgpconfigurations"),
        defaultBgpConfiguration(api, this.options.asNumber),
      );
    }
  }

  /** Registers a node in the API (Node, block, affinity) and on the lab network. */
  private async createNode(index: number, zone: string, options: AddNodeOptions): Promise<LabNode> {
    const api = this.calicoApi;
    const name = `node-${index}`;
    const spec: LabNodeSpec = {
      name,
      ipv4: nodeIPv4(index),
      ...(this.options.ipv6 ? { ipv6: nodeIPv6(index) } : {}),
      zone,
      ...(options.labels === undefined ? {} : { labels: options.labels }),
    };
    const blocks = [podBlockV4(index), ...(this.options.ipv6 ? [podBlockV6(index)] : [])];
    await this.request(
      "POST",
      "/api/v1/nodes",
      coreNode(spec, { v4: labSubnetV4.prefixLength, v6: labSubnetV6PrefixLength }),
    );
    await this.request(
      "PATCH",
      `/api/v1/nodes/${name}/status`,
      { status: { addresses: coreNodeAddresses(spec) } },
      "application/merge-patch+json",
    );
    for (const block of blocks) {
      await this.request("POST", calicoPath(api, "ipamblocks"), ipamBlock(api, name, block));
      await this.request(
        "POST",
        calicoPath(api, "blockaffinities"),
        blockAffinity(api, name, block),
      );
    }
    const files = nodeFiles(this.dir, name);
    mkdirSync(files.dir, { recursive: true });
    const linkSpec = { name, index, ipv4: spec.ipv4, ...(spec.ipv6 ? { ipv6: spec.ipv6 } : {}) };
    const netns = await this.network.addNode(linkSpec);
    const node: LabNode = { spec, link: { ...linkSpec, netns }, files, blocks, birds: new Map() };
    this.nodes.set(name, node);
    return node;
  }

  private async startAgentInstance(): Promise<LabAgent> {
    return LabAgent.start({
      http: this.http,
      calicoApi: this.calicoApi,
      nodes: () => new Map([...this.nodes].map(([name, node]) => [name, node.files])),
      onError: (error) => this.recordError(error),
    });
  }

  /** Waits until the agent has seen a new node and installed its configs. */
  private async waitForConfig(node: LabNode): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(existsSync(node.files.config[4]) && existsSync(node.files.config[6]))) {
      if (this.agent === undefined) {
        throw new LabError(
          "InvalidOptions",
          `cannot start ${node.spec.name}: the agent is stopped`,
          "lab.startAgent() first",
        );
      }
      if (Date.now() > deadline) {
        throw new LabError(
          "Timeout",
          `the agent wrote no config for ${node.spec.name} within 15 s`,
        );
      }
      await this.agent.resync();
      await sleep(50);
    }
  }

  private async startBirds(node: LabNode): Promise<void> {
    for (const family of [4, 6] as const) {
      if (node.birds.get(family)?.running) continue;
      const bird = await BirdProcess.start({
        netns: node.link.netns,
        family,
        configPath: node.files.config[family],
        socketPath: node.files.socket[family],
        logPath: node.files.log[family],
      });
      node.birds.set(family, bird);
    }
  }

  private recordError(error: Error): void {
    this.errorLog.push(error);
    if (this.errorLog.length > 200) this.errorLog.shift();
  }

  private probedNodes() {
    return [...this.nodes.values()].map((node) => ({
      name: node.spec.name,
      netns: node.link.netns,
      blocks: node.blocks,
    }));
  }
}

function zoneOf(options: LabOptions, index: number): string {
  const zones =
    typeof options.zones === "object"
      ? options.zones
      : Array.from({ length: options.zones ?? 1 }, (_, i) => `zone-${String.fromCharCode(97 + i)}`);
  return zones[(index - 1) % zones.length] ?? "zone-a";
}

/** Network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN (in practice: root). */
function assertPrivileged(): void {
  const problem = privilegeProblem(process.getuid?.(), readFileSync("/proc/self/status", "utf8"));
  if (problem === undefined) return;
  throw new LabError(
    "NotPrivileged",
    `the lab creates network namespaces and runs BIRD in them, which needs root (${problem})`,
    "run as root (sudo -E), or in a container with CAP_SYS_ADMIN and CAP_NET_ADMIN (e.g. --privileged)",
  );
}

function assertInstalled(program: string): void {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return;
    } catch {
      // not here
    }
  }
  throw new LabError(
    "ToolMissing",
    `${program} is not installed (or not on PATH)`,
    toolHint(program),
  );
}

function ownerPid(dir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, "lab.json"), "utf8")) as { ownerPid?: number })
      .ownerPid;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<void>,
) {
  for (let i = 0; i < items.length; i += limit) {
    await Promise.all(items.slice(i, i + limit).map(run));
  }
}
