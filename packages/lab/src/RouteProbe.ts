import { type ChildProcess, spawn } from "node:child_process";
import { runCommand } from "./internal/Command.js";
import { GapLedger, type RouteGap } from "./internal/GapLedger.js";
import { LabError } from "./LabError.js";

export type { RouteGap } from "./internal/GapLedger.js";

/** A node as the probe sees it: its namespace and the pod blocks it owns. */
export interface ProbedNode {
  readonly name: string;
  readonly netns: string;
  readonly blocks: readonly string[];
}

/** A fallback sample even when the kernel reports nothing (a missed monitor event). */
const sampleEveryMs = 1000;
/** How long to let a burst of route events settle before reading the table. */
const settleMs = 5;

interface Watcher {
  readonly node: ProbedNode;
  readonly monitor: ChildProcess;
  readonly sampler: NodeJS.Timeout;
  /** Time of the first route event not yet followed by a read of the table. */
  eventAt: number | undefined;
  pending: NodeJS.Timeout | undefined;
  /** The table read in progress; reads of one table never overlap. */
  reading: Promise<void> | undefined;
}

/**
 * Watches every node's kernel routing table (`ip route` in its namespace) for a route to every
 * other node's pod block and records each interval in which one was missing. The table is read
 * when the kernel announces a route change (`ip monitor route`, so a change is timed to the
 * event, within milliseconds) and every second besides. A missing route counts only when no
 * unicast route for the exact block exists (the node's own blackhole does not count).
 *
 * @example
 * ```ts
 * const probe = new RouteProbe()
 * probe.setNodes([
 *   { name: "node-1", netns: "calicokit.demo.node-1", blocks: ["192.168.0.0/26"] },
 *   { name: "node-2", netns: "calicokit.demo.node-2", blocks: ["192.168.0.64/26"] },
 * ])
 * const t0 = new Date()
 * await runDocumentedProcedure(lab, { routeReflectors: ["node-1"], clusterId: "244.0.0.1" })
 * probe.gaps(t0) // [] when no node ever lost a route
 * probe.stop()
 * ```
 */
export class RouteProbe {
  private readonly ledger = new GapLedger();
  private readonly watchers = new Map<string, Watcher>();
  private nodes: readonly ProbedNode[] = [];
  private stopped = false;

  /** `onError` hears of tables that could not be read (the gap state then stays as it was). */
  constructor(private readonly onError?: (error: Error) => void) {}

  /** Sets the nodes to watch: new ones start being watched, removed ones stop. */
  setNodes(nodes: readonly ProbedNode[]): void {
    const now = Date.now();
    this.nodes = nodes;
    const names = new Set(nodes.map((n) => n.name));
    const owners = new Map(nodes.flatMap((n) => n.blocks.map((b) => [b, n.name] as const)));
    // A removed node's table is no longer watched, and no one needs a route to its blocks.
    this.ledger.untrackWhere((node, block) => !names.has(node) || !owners.has(block), now);
    for (const [name, watcher] of this.watchers) {
      if (!names.has(name)) this.unwatch(watcher);
    }
    for (const node of nodes) {
      for (const [block, owner] of owners) {
        if (owner !== node.name) this.ledger.track(node.name, block, owner, now);
      }
      if (!this.watchers.has(node.name) && !this.stopped) this.watch(node);
      else this.read(this.watchers.get(node.name));
    }
  }

  /** Every interval since `since` (default: the start) in which a node lacked a route. */
  gaps(since?: Date): RouteGap[] {
    return this.ledger.gaps(since?.getTime() ?? 0, Date.now());
  }

  /** Reads every table now (tests call it before asking for gaps). */
  async sample(): Promise<void> {
    await Promise.all(
      [...this.watchers.values()].map(async (watcher) => {
        while (watcher.reading) await watcher.reading;
        this.read(watcher);
        await watcher.reading;
      }),
    );
  }

  stop(): void {
    this.stopped = true;
    for (const watcher of this.watchers.values()) this.unwatch(watcher);
  }

  private watch(node: ProbedNode): void {
    const monitor = spawn("ip", ["-n", node.netns, "monitor", "route"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const watcher: Watcher = {
      node,
      monitor,
      sampler: setInterval(() => this.read(watcher), sampleEveryMs),
      eventAt: undefined,
      pending: undefined,
      reading: undefined,
    };
    monitor.stdout?.on("data", () => {
      watcher.eventAt ??= Date.now();
      clearTimeout(watcher.pending);
      watcher.pending = setTimeout(() => this.read(watcher), settleMs);
    });
    monitor.on("error", () => undefined);
    this.watchers.set(node.name, watcher);
    this.read(watcher);
  }

  private unwatch(watcher: Watcher): void {
    clearInterval(watcher.sampler);
    clearTimeout(watcher.pending);
    watcher.monitor.kill("SIGKILL");
    this.watchers.delete(watcher.node.name);
  }

  /** Starts a read unless one runs (an event during a read triggers another read after it). */
  private read(watcher: Watcher | undefined): void {
    if (watcher === undefined || watcher.reading) return;
    watcher.reading = this.readTable(watcher)
      .catch((error: Error) => this.onError?.(error))
      .finally(() => {
        watcher.reading = undefined;
        if (watcher.eventAt !== undefined) this.read(watcher);
      });
  }

  private async readTable(watcher: Watcher): Promise<void> {
    const at = Date.now();
    const eventAt = watcher.eventAt;
    watcher.eventAt = undefined;
    const ipv6 = this.nodes.some((n) => n.blocks.some((b) => b.includes(":")));
    const present = await unicastDestinations(watcher.node.netns, ipv6);
    if (this.watchers.get(watcher.node.name) === watcher) {
      // A change seen after an event happened at the event, not when the table was read.
      this.ledger.observe(watcher.node.name, present, eventAt ?? at);
    }
  }
}

interface IpRoute {
  readonly dst: string;
  readonly type?: string;
}

/** Destinations of the unicast routes in a namespace's main tables (IPv4 and IPv6). */
async function unicastDestinations(netns: string, ipv6: boolean): Promise<Set<string>> {
  const present = new Set<string>();
  for (const family of ipv6 ? ["-4", "-6"] : ["-4"]) {
    const result = await runCommand("ip", ["-n", netns, family, "-j", "route", "show"]);
    if (result.code !== 0) {
      throw new LabError("CommandFailed", `reading routes in ${netns}: ${result.stderr.trim()}`);
    }
    for (const route of JSON.parse(result.stdout || "[]") as IpRoute[]) {
      if (route.type === undefined || route.type === "unicast") present.add(route.dst);
    }
  }
  return present;
}
