import { randomBytes } from "node:crypto";
import type { CalicoNodeStatus, CalicoNodeStatusStatus } from "@calicokit/types";
import * as z from "zod";
import {
  abortedBy,
  CalicoClientError,
  fromUnknown,
  type RequestTarget,
} from "./CalicoClientError.js";
import {
  checkName,
  checkOptions,
  countSchema,
  optionsSchema,
  signalSchema,
} from "./internal/InputCheck.js";
import type { NodeClient } from "./NodeClient.js";
import type { ResourceClient } from "./ResourceClient.js";

/** Labels on every temporary CalicoNodeStatus calicokit creates: how the sweep finds them. */
export const bgpStatusLabels = {
  "app.kubernetes.io/managed-by": "calicokit",
  "calicokit.io/purpose": "bgp-status",
} as const;

const ourSelector = Object.entries(bgpStatusLabels)
  .map(([k, v]) => `${k}=${v}`)
  .join(",");

/** One BGP session as calico-node reports it. */
export interface BgpPeerState {
  readonly family: "v4" | "v6";
  readonly peerIP: string;
  /** NodeMesh, NodePeer or GlobalPeer. */
  readonly type: string;
  /** Idle, Connect, Active, OpenSent, OpenConfirm, Established or Close. */
  readonly state: string;
  /** BIRD's free-form "since" column (not a timestamp). */
  readonly since: string;
}

/** What one node reported, or why it did not. */
export type NodeBgpStatus =
  | {
      readonly node: string;
      readonly ok: true;
      readonly established: number;
      readonly notEstablished: number;
      readonly peers: readonly BgpPeerState[];
      readonly lastUpdated: string | undefined;
      /** The status as calico-node wrote it (all families and counters). */
      readonly raw: CalicoNodeStatusStatus;
    }
  | { readonly node: string; readonly ok: false; readonly error: CalicoClientError };

export interface BgpStatusOptions {
  /** Overall budget, in ms. Default 60 000 (Calico's own e2e waits 1-2 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Temporary objects at a time (CalicoNodeStatus is meant for small numbers). Default 5. */
  readonly concurrency?: number;
  /** The `updatePeriodSeconds` written (calico-node ignores objects without it). Default 5. */
  readonly updatePeriodSeconds?: number;
}

const bgpStatusOptionsSchema = optionsSchema<BgpStatusOptions>({
  timeoutMs: countSchema(1),
  signal: signalSchema,
  concurrency: countSchema(1),
  updatePeriodSeconds: countSchema(1),
});

/** Options of `sweepBgpStatus`. */
export interface SweepBgpStatusOptions {
  /** Only objects created at least this long ago, in ms. Default 10 minutes. */
  readonly olderThanMs?: number;
  readonly signal?: AbortSignal;
}

const sweepOptionsSchema = optionsSchema<SweepBgpStatusOptions>({
  olderThanMs: z.number().optional(),
  signal: signalSchema,
});

const statusTarget: RequestTarget = { verb: "create", resource: "caliconodestatuses" };

/**
 * Asks calico-node on each node for its BGP sessions: creates a temporary, labelled
 * CalicoNodeStatus (classes [BGP], updatePeriodSeconds set), watches it until calico-node fills
 * `status.bgp`, reads the per-peer state and deletes it, whatever happened. At most
 * `concurrency` objects exist at once; a node that does not answer in time reports `Timeout`.
 * Given `nodeClient`, a node without a Kubernetes Node reports `NotFound` at once instead.
 *
 * @example
 * ```ts
 * for (const s of await bgpStatus(client.calicoNodeStatuses, ["worker-1", "worker-2"], { timeoutMs: 30_000 })) {
 *   if (s.ok) console.log(s.node, s.established, s.notEstablished)
 * }
 * ```
 */
export async function bgpStatus(
  statuses: ResourceClient<CalicoNodeStatus>,
  nodes: readonly string[],
  options: BgpStatusOptions = {},
  nodeClient?: NodeClient,
): Promise<NodeBgpStatus[]> {
  if (!Array.isArray(nodes)) {
    throw new CalicoClientError("Invalid", "nodes must be an array of node names", {
      causes: [{ field: "nodes", message: 'an array of Node names, e.g. ["worker-1"]' }],
      target: statusTarget,
    });
  }
  nodes.forEach((node, i) => {
    checkName(node, statusTarget, `nodes[${i}]`);
  });
  checkOptions(bgpStatusOptionsSchema, options, statusTarget);
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 60_000);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const results = new Array<NodeBgpStatus>(nodes.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < nodes.length; i = next++) {
      results[i] = await oneNode(statuses, nodes[i] as string, signal, options, nodeClient);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 5) }, worker));
  return results;
}

async function oneNode(
  statuses: ResourceClient<CalicoNodeStatus>,
  node: string,
  signal: AbortSignal,
  options: BgpStatusOptions,
  nodeClient: NodeClient | undefined,
): Promise<NodeBgpStatus> {
  if (nodeClient !== undefined) {
    // calico-node answers only for a node it runs on: without the Node, waiting is pointless
    const missing = await nodeClient.get(node, { signal }).then(
      () => undefined,
      (error: unknown) => fromUnknown(error),
    );
    if (missing !== undefined) return { node, ok: false, error: missing };
  }
  // a random suffix keeps concurrent runs apart; names stay within the 253-character limit
  const prefix = `calicokit-bgp-${node}`.slice(0, 240);
  const name = `${prefix}-${randomBytes(3).toString("hex")}`;
  let created: CalicoNodeStatus | undefined;
  try {
    created = await statuses.create(
      {
        apiVersion: "projectcalico.org/v3",
        kind: "CalicoNodeStatus",
        metadata: { name, labels: { ...bgpStatusLabels } },
        spec: {
          node,
          classes: ["BGP"],
          updatePeriodSeconds: options.updatePeriodSeconds ?? 5,
        },
      } as CalicoNodeStatus,
      { signal },
    );
    const events = statuses.watch({
      signal,
      resourceVersion: created.metadata.resourceVersion as string,
      fieldSelector: `metadata.name=${name}`,
    });
    for await (const event of events) {
      if (event.type === "DELETED") {
        throw new CalicoClientError("NotFound", `${name} was deleted before ${node} answered`);
      }
      if (event.type === "BOOKMARK" || event.object.status?.bgp === undefined) continue;
      return filled(node, event.object.status);
    }
    throw signal.reason ?? new Error("watch ended");
  } catch (error) {
    const target = { verb: "watch", resource: "caliconodestatuses", name } as const;
    // the caller's abort, whatever reason it carries, is Aborted (or Timeout for a timeout signal)
    if (options.signal?.aborted)
      return { node, ok: false, error: abortedBy(options.signal, target) };
    if (!signal.aborted) return { node, ok: false, error: fromUnknown(error, target) };
    return {
      node,
      ok: false,
      error: new CalicoClientError(
        "Timeout",
        `calico-node on ${node} did not fill CalicoNodeStatus ${name} in time (is calico-node running there, and is the node name right?)`,
        { target },
      ),
    };
  } finally {
    // cleanup has its own budget: the caller's deadline may be what ended the wait. A create
    // cut short (abort, lost answer) may still have committed: the name is ours alone, so it
    // is deleted by name then.
    const uid = created?.metadata.uid as string | undefined;
    await statuses
      .delete(name, { ...(uid ? { uid } : {}), signal: AbortSignal.timeout(10_000) })
      .catch(() => undefined);
  }
}

function filled(node: string, status: CalicoNodeStatusStatus): NodeBgpStatus {
  const bgp = status.bgp;
  const peers = (family: "v4" | "v6", list: readonly Record<string, unknown>[] | undefined) =>
    (list ?? []).map((p) => ({
      family,
      peerIP: String(p.peerIP ?? ""),
      type: String(p.type ?? ""),
      state: String(p.state ?? ""),
      since: String(p.since ?? ""),
    }));
  return {
    node,
    ok: true,
    established: (bgp?.numberEstablishedV4 ?? 0) + (bgp?.numberEstablishedV6 ?? 0),
    notEstablished: (bgp?.numberNotEstablishedV4 ?? 0) + (bgp?.numberNotEstablishedV6 ?? 0),
    peers: [...peers("v4", bgp?.peersV4), ...peers("v6", bgp?.peersV6)],
    lastUpdated: typeof status.lastUpdated === "string" ? status.lastUpdated : undefined,
    raw: status,
  };
}

/**
 * Deletes temporary CalicoNodeStatus objects of ours older than `olderThanMs` (left behind by
 * a killed process). Returns the names deleted.
 *
 * @example
 * ```ts
 * const removed = await sweepBgpStatus(client.calicoNodeStatuses, { olderThanMs: 10 * 60_000 })
 * ```
 */
export async function sweepBgpStatus(
  statuses: ResourceClient<CalicoNodeStatus>,
  options: SweepBgpStatusOptions = {},
): Promise<string[]> {
  checkOptions(sweepOptionsSchema, options, { verb: "delete", resource: "caliconodestatuses" });
  const cutoff = Date.now() - (options.olderThanMs ?? 10 * 60_000);
  const removed: string[] = [];
  const callOptions = options.signal ? { signal: options.signal } : {};
  for await (const item of statuses.list({ labelSelector: ourSelector, ...callOptions })) {
    const created = Date.parse(String(item.metadata.creationTimestamp ?? ""));
    if (!(created <= cutoff)) continue;
    const name = item.metadata.name as string;
    try {
      await statuses.delete(name, { uid: item.metadata.uid as string, ...callOptions });
      removed.push(name);
    } catch (error) {
      if (!(error instanceof CalicoClientError && error._tag === "NotFound")) throw error;
    }
  }
  return removed;
}
