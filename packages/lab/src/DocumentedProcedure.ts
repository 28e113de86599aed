import { setTimeout as sleep } from "node:timers/promises";
import { binaryPath, type KubeHttp } from "@calicokit/testkit";
import { calicoNodeAnnotations } from "@calicokit/types";
import { ipForProtocolName } from "./internal/bird/ProtocolName.js";
import { mustRun } from "./internal/Command.js";
import { requestOk } from "./internal/LabApi.js";
import { calicoApiVersion, calicoPath, type LabCalicoApi } from "./internal/LabObjects.js";
import { checkProcedureOptions } from "./internal/LabOptionsCheck.js";
import type { Lab } from "./Lab.js";
import { LabError } from "./LabError.js";
import type { ProcedureOptions, ProcedureStep, RouteReflectorChoice } from "./ProcedureOptions.js";

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
  checkProcedureOptions(options);
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
  const writes =
    options.kubectl === undefined
      ? requestWrites(http, api)
      : kubectlWrites(options.kubectl.kubeconfigPath, api);

  await step(1, "label the route reflectors and set their cluster ID", async () => {
    for (const rr of reflectors) {
      for (const done of await writes.markReflector(rr.name, choice.clusterId)) {
        emit({ kind: "progress", step: 1, detail: done });
      }
      emit({ kind: "progress", step: 1, detail: `${rr.name} (${rr.zone}) is a route reflector` });
    }
  });

  await step(
    2,
    "peer clients with the route reflectors, and the reflectors with each other",
    async () => {
      const peers = [
        [documentedPeerNames.clientsToReflectors, `!has(${routeReflectorLabel})`],
        [documentedPeerNames.reflectorMesh, `has(${routeReflectorLabel})`],
      ].map(([name, nodeSelector]) => ({
        apiVersion,
        kind: "BGPPeer",
        metadata: { name },
        spec: { nodeSelector, peerSelector: `has(${routeReflectorLabel})` },
      }));
      for (const done of await writes.createPeers(peers)) {
        emit({ kind: "progress", step: 2, detail: done });
      }
    },
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
    const done =
      existing.status === 404
        ? await writes.createObject({
            apiVersion,
            kind: "BGPConfiguration",
            metadata: { name: "default" },
            spec: { nodeToNodeMeshEnabled: false },
          })
        : await writes.patchMesh({ spec: { nodeToNodeMeshEnabled: false } });
    for (const line of done) emit({ kind: "progress", step: 4, detail: line });
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

/** How the procedure's writes reach the API server; each returns what it did, for progress. */
interface ProcedureWrites {
  markReflector(node: string, clusterId: string): Promise<string[]>;
  createPeers(peers: readonly object[]): Promise<string[]>;
  createObject(object: object): Promise<string[]>;
  patchMesh(patch: object): Promise<string[]>;
}

/** One request per write, as fast as a program sends them. */
function requestWrites(http: KubeHttp, api: LabCalicoApi): ProcedureWrites {
  const send = (method: string, path: string, body: unknown, contentType?: string) =>
    requestOk(http, method, path, body, contentType);
  const mergePatch = "application/merge-patch+json";
  return {
    markReflector: async (node, clusterId) => {
      await send(
        "PATCH",
        `/api/v1/nodes/${node}`,
        {
          metadata: {
            labels: { [routeReflectorLabel]: "true" },
            annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: clusterId },
          },
        },
        mergePatch,
      );
      return [];
    },
    createPeers: async (peers) => {
      await Promise.all(peers.map((peer) => send("POST", calicoPath(api, "bgppeers"), peer)));
      return [];
    },
    createObject: async (object) => {
      await send("POST", calicoPath(api, "bgpconfigurations"), object);
      return [];
    },
    patchMesh: async (patch) => {
      await send("PATCH", calicoPath(api, "bgpconfigurations", "default"), patch, mergePatch);
      return [];
    },
  };
}

/** The documented commands, each run with the real kubectl; each returns its command line. */
function kubectlWrites(kubeconfigPath: string, api: LabCalicoApi): ProcedureWrites {
  const group = calicoApiVersion(api).split("/")[0];
  const program = kubectlPath();
  const kubectl = async (args: readonly string[], stdin?: string) => {
    await mustRun(program, ["--kubeconfig", kubeconfigPath, ...args], stdin);
    return `$ kubectl ${args.join(" ")}`;
  };
  const apply = async (objects: readonly object[]) => [
    await kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }),
    ),
  ];
  return {
    markReflector: async (node, clusterId) => [
      await kubectl([
        "annotate",
        "node",
        node,
        `${calicoNodeAnnotations.routeReflectorClusterID}=${clusterId}`,
        "--overwrite",
      ]),
      await kubectl(["label", "node", node, `${routeReflectorLabel}=true`, "--overwrite"]),
    ],
    createPeers: apply,
    createObject: (object) => apply([object]),
    patchMesh: async (patch) => [
      await kubectl([
        "patch",
        `bgpconfigurations.${group}`,
        "default",
        "--type=merge",
        "-p",
        JSON.stringify(patch),
      ]),
    ],
  };
}

/** The kubectl `make bootstrap` built (testkit finds it); missing, a LabError that says so. */
function kubectlPath(): string {
  try {
    return binaryPath("kubectl");
  } catch (error) {
    throw new LabError(
      "ToolMissing",
      `kubectl is not built: ${(error as Error).message.split("\n")[0]}`,
      "run `make bootstrap` (it builds kubectl with the control plane), or run the procedure without the kubectl option",
    );
  }
}
