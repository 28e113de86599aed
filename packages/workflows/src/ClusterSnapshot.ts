import type { AnyCalicoClientError, NodeView, PodPlacement } from "@calicokit/client";
import { type BgpConfiguration, type BgpPeer, calicoNodeAnnotations } from "@calicokit/types";
import { Effect } from "effect";
import { CalicoApi } from "./CalicoApi.js";
import { migrationDefaults } from "./MigrationRequest.js";

/** What the planner needs of one Node. */
export interface SnapshotNode {
  readonly name: string;
  readonly resourceVersion: string;
  /** Labels as calico-node sees them (Kubernetes labels over `projectcalico.org/labels`). */
  readonly labels: Readonly<Record<string, string>>;
  /** The core Node's own value of the route-reflector label (what a patch changes). */
  readonly reflectorLabel: string | null;
  /** The core Node's RouteReflectorClusterID annotation. */
  readonly clusterId: string | null;
  readonly zone: string | null;
  /** False only when the kubelet reports Ready other than True. */
  readonly ready: boolean;
  readonly ipv4: string | null;
  readonly ipv6: string | null;
  /** The node's own AS override, when it has one. */
  readonly asNumber: number | null;
  /** Cordoned (`spec.unschedulable`). */
  readonly unschedulable: boolean;
}

/** One reading of everything a migration plan depends on. */
export interface ClusterSnapshot {
  readonly nodes: readonly SnapshotNode[];
  /** BGPConfiguration `default`, or null when it does not exist. */
  readonly bgpConfiguration: BgpConfiguration | null;
  readonly peers: readonly BgpPeer[];
  readonly pods: readonly PodPlacement[];
  readonly reflectorLabelKey: string;
}

const zoneLabel = "topology.kubernetes.io/zone";

/** The Node fields the planner reads, from the client's Node view. */
export function snapshotNode(view: NodeView, reflectorLabelKey: string): SnapshotNode {
  const { node, kubernetes } = view;
  const labels = node.metadata.labels ?? {};
  const conditions = (
    kubernetes as { status?: { conditions?: { type?: string; status?: string }[] } }
  ).status?.conditions;
  const ready = conditions?.find((c) => c.type === "Ready");
  return {
    name: node.metadata.name,
    resourceVersion: node.metadata.resourceVersion ?? "",
    labels,
    reflectorLabel: kubernetes.metadata.labels?.[reflectorLabelKey] ?? null,
    clusterId:
      kubernetes.metadata.annotations?.[calicoNodeAnnotations.routeReflectorClusterID] ?? null,
    zone: labels[zoneLabel] ?? null,
    ready: ready === undefined || ready.status === "True",
    ipv4: withoutPrefix(node.spec.bgp?.ipv4Address),
    ipv6: withoutPrefix(node.spec.bgp?.ipv6Address),
    asNumber: node.spec.bgp?.asNumber ?? null,
    unschedulable:
      (kubernetes as { spec?: { unschedulable?: boolean } }).spec?.unschedulable === true,
  };
}

function withoutPrefix(address: string | undefined): string | null {
  return address ? (address.split("/")[0] ?? null) : null;
}

/** Reads Nodes, BGPConfiguration `default`, BGPPeers and Pods. */
export const readClusterSnapshot: Effect.Effect<ClusterSnapshot, AnyCalicoClientError, CalicoApi> =
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    const { client } = api;
    const reflectorLabelKey = migrationDefaults.reflectorLabel.key;
    const [nodes, bgpConfiguration, peers, pods] = yield* Effect.all(
      [
        api.call(async (signal) => {
          const views: SnapshotNode[] = [];
          for await (const view of client.nodes.list({ signal })) {
            views.push(snapshotNode(view, reflectorLabelKey));
          }
          return views;
        }),
        api.call(async (signal) => {
          const found = await client.bgpConfigurations.listAll({
            signal,
            fieldSelector: "metadata.name=default",
          });
          return found.items[0] ?? null;
        }),
        api.call(async (signal) => (await client.bgpPeers.listAll({ signal })).items),
        api.call((signal) => client.pods.list({ signal })),
      ],
      { concurrency: "unbounded" },
    );
    return {
      nodes: [...nodes].sort((a, b) => a.name.localeCompare(b.name)),
      bgpConfiguration,
      peers,
      pods,
      reflectorLabelKey,
    };
  });
