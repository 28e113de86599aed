import { setTimeout as sleep } from "node:timers/promises";
import type { KubeHttp } from "@calicokit/testkit";
import { calicoNodeAnnotations } from "@calicokit/types";
import { ipForProtocolName } from "./internal/bird/ProtocolName.js";
import { requestOk } from "./internal/LabApi.js";
import { calicoApiVersion, calicoPath } from "./internal/LabObjects.js";
import type { Lab } from "./Lab.js";
import { LabError } from "./LabError.js";

/** Which nodes become route reflectors, and the cluster ID they share. */
export interface RouteReflectorChoice {
  readonly routeReflectors: readonly string[];
  /** RouteReflectorClusterID: a plain IPv4 address shared by all RRs. */
  readonly clusterId: string;
}

/** One of Calico's documented steps, numbered as the docs number them. */
export type ProcedureStep = 1 | 2 | 3 | 4;

/** What the procedure reports while it runs, for live progress. */
export type ProcedureEvent =
  | { readonly kind: "step"; readonly step: ProcedureStep; readonly title: string }
  | { readonly kind: "progress"; readonly step: ProcedureStep; readonly detail: string }
  | { readonly kind: "done"; readonly step: ProcedureStep; readonly ms: number };

export interface ProcedureOptions {
  readonly onEvent?: (event: ProcedureEvent) => void;
  /** How long step 3 may wait for the client <-> RR sessions. Default 60 s. */
  readonly sessionTimeoutMs?: number;
  /**
   * The API connection the procedure's requests go through. Default: the lab's admin
   * connection; e.g. one through testkit's fault proxy, whose request log then counts them.
   */
  readonly http?: KubeHttp;
}

/** The names of the two BGPPeers the documented procedure creates. */
export const documentedPeerNames = {
  clientsToReflectors: "peer-with-route-reflectors",
  reflectorMesh: "route-reflector-mesh",
} as const;

const routeReflectorLabel = "route-reflector";

/**
 * Runs Calico's documented mesh -> route-reflector procedure against a lab, step by step, in
 * the documented order and nothing more: (1) label + RouteReflectorClusterID on each RR node,
 * (2) the BGPPeers clients -> RRs and RR <-> RR, (3) wait until every non-RR node's BIRD has an
 * Established session to every RR, (4) nodeToNodeMeshEnabled=false on BGPConfiguration
 * `default` (created when absent), then wait until no node has a `Mesh_` session left.
 *
 * This is a rehearsal of the manual procedure (no plan, journal or rollback: that is what the
 * migration workflow adds); step 3 reads each node's BIRD directly, as an operator would with
 * `calicoctl node status` on every node.
 *
 * @example
 * ```ts
 * await runDocumentedProcedure(lab, { routeReflectors: ["node-1", "node-2"], clusterId: "244.0.0.1" },
 *   { onEvent: (e) => console.log(e) })
 * ```
 */
export async function runDocumentedProcedure(
  lab: Lab,
  choice: RouteReflectorChoice,
  options: ProcedureOptions = {},
): Promise<void> {
  const emit = options.onEvent ?? (() => {});
  const api = lab.calicoApi;
  const apiVersion = calicoApiVersion(api);
  const all = lab.status().nodes;
  const reflectors = all.filter((n) => choice.routeReflectors.includes(n.name));
  const clients = all.filter((n) => !choice.routeReflectors.includes(n.name));
  if (reflectors.length !== choice.routeReflectors.length) {
    throw new LabError(
      "UnknownNode",
      `route reflectors ${choice.routeReflectors.join(", ")} are not all lab nodes`,
      `nodes: ${all.map((n) => n.name).join(", ")}`,
    );
  }

  const step = async (n: ProcedureStep, title: string, body: () => Promise<void>) => {
    emit({ kind: "step", step: n, title });
    const started = Date.now();
    await body();
    emit({ kind: "done", step: n, ms: Date.now() - started });
  };
  const http = options.http ?? lab.http;
  const send = (method: string, path: string, body: unknown, contentType?: string) =>
    requestOk(http, method, path, body, contentType);

  await step(1, "label the route reflectors and set their cluster ID", async () => {
    for (const rr of reflectors) {
      await send(
        "PATCH",
        `/api/v1/nodes/${rr.name}`,
        {
          metadata: {
            labels: { [routeReflectorLabel]: "true" },
            annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: choice.clusterId },
          },
        },
        "application/merge-patch+json",
      );
      emit({ kind: "progress", step: 1, detail: `${rr.name} (${rr.zone}) is a route reflector` });
    }
  });

  await step(2, "peer clients with the route reflectors, and the reflectors with each other", () =>
    Promise.all(
      [
        [documentedPeerNames.clientsToReflectors, `!has(${routeReflectorLabel})`],
        [documentedPeerNames.reflectorMesh, `has(${routeReflectorLabel})`],
      ].map(([name, nodeSelector]) =>
        send("POST", calicoPath(api, "bgppeers"), {
          apiVersion,
          kind: "BGPPeer",
          metadata: { name },
          spec: { nodeSelector, peerSelector: `has(${routeReflectorLabel})` },
        }),
      ),
    ).then(() => undefined),
  );

  await step(
    3,
    "wait until every client has an Established session to every reflector",
    async () => {
      const wanted = clients.length * reflectors.length;
      const deadline = Date.now() + (options.sessionTimeoutMs ?? 60_000);
      let last = -1;
      for (;;) {
        let up = 0;
        for (const client of clients) {
          const sessions = await lab.bgpSessions(client.name);
          up += reflectors.filter((rr) =>
            sessions.some((s) => s.established && s.name === nodePeerProtocol(rr.ipv4)),
          ).length;
        }
        if (up !== last)
          emit({
            kind: "progress",
            step: 3,
            detail: `${up}/${wanted} client-reflector sessions Established`,
          });
        last = up;
        if (up === wanted) return;
        if (Date.now() > deadline) {
          throw new LabError(
            "Timeout",
            `only ${up} of ${wanted} client-reflector sessions came up: the mesh stays on`,
            "inspect `birdc -s <birdSocket> show protocols` on the clients",
          );
        }
        await sleep(250);
      }
    },
  );

  await step(4, "disable the node-to-node mesh", async () => {
    const path = calicoPath(api, "bgpconfigurations", "default");
    const existing = await http.request({ method: "GET", path });
    if (existing.status === 404) {
      await send("POST", calicoPath(api, "bgpconfigurations"), {
        apiVersion,
        kind: "BGPConfiguration",
        metadata: { name: "default" },
        spec: { nodeToNodeMeshEnabled: false },
      });
    } else {
      await send(
        "PATCH",
        path,
        { spec: { nodeToNodeMeshEnabled: false } },
        "application/merge-patch+json",
      );
    }
    for (;;) {
      let mesh = 0;
      for (const node of all) {
        mesh += (await lab.bgpSessions(node.name)).filter((s) => s.kind === "Mesh").length;
      }
      emit({ kind: "progress", step: 4, detail: `${mesh} mesh sessions left` });
      if (mesh === 0) return;
      await sleep(250);
    }
  });
}

/** calico-node's name for an explicit-peer protocol to `ip` (e.g. `Node_10_99_0_2`). */
function nodePeerProtocol(ip: string): string {
  return `Node_${ipForProtocolName(ip)}`;
}
