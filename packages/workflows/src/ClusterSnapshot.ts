import type {
  AccessAnswer,
  AnyCalicoClientError,
  ApiGroup,
  NodeView,
  PodPlacement,
} from "@calicokit/client";
import { type BgpConfiguration, type BgpPeer, calicoNodeAnnotations } from "@calicokit/types";
import * as Effect from "effect/Effect";
import { CalicoApi } from "./CalicoApi.js";
import { type MigrationRequest, migrationDefaults } from "./MigrationRequest.js";

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
  /** The Calico API group the client reads and writes. */
  readonly calicoApi: ApiGroup["apiVersion"];
  /** ClusterInformation `default`'s calicoVersion; null when unknown. */
  readonly calicoVersion: string | null;
  /** Every Secret a BGP password in the cluster refers to, as calico-node would read it. */
  readonly passwordSecrets: readonly PasswordSecretCheck[];
}

/** A BGP password's Secret reference and who uses it. */
export interface PasswordSecretRef {
  readonly name: string;
  readonly key: string;
  /** e.g. `BGPConfiguration default spec.nodeMeshPassword`, `BGPPeer rr-to-rr-peer spec.password`. */
  readonly usedBy: string;
}

/** What the preflight found out about one password Secret, without reading its contents. */
export interface PasswordSecretCheck extends PasswordSecretRef {
  /** calico-node's namespace, where the Secret has to be. */
  readonly namespace: string;
  /** null: the migration's identity may not read the Secret's metadata, so existence is unknown. */
  readonly exists: boolean | null;
  /** calico-node's ServiceAccount, and what a SubjectAccessReview answered for each verb. */
  readonly serviceAccount: string;
  readonly calicoNodeMay: readonly AccessAnswer[];
}

/**
 * The verbs calico-node uses on a password Secret: it watches each one by name (list + watch);
 * Calico's documented Role for BGP passwords grants these three.
 */
export const secretReaderVerbs = ["get", "list", "watch"] as const;

/** The Secrets BGP passwords refer to: the mesh password of `default`, and each BGPPeer's. */
export function passwordSecretRefs(
  config: BgpConfiguration | null,
  peers: readonly BgpPeer[],
): PasswordSecretRef[] {
  const refs: PasswordSecretRef[] = [];
  const mesh = config?.spec.nodeMeshPassword?.secretKeyRef;
  if (mesh !== undefined) {
    refs.push({
      name: mesh.name ?? "",
      key: mesh.key,
      usedBy: "BGPConfiguration default spec.nodeMeshPassword",
    });
  }
  for (const peer of peers) {
    const ref = peer.spec.password?.secretKeyRef;
    if (ref !== undefined) {
      refs.push({
        name: ref.name ?? "",
        key: ref.key,
        usedBy: `BGPPeer ${peer.metadata.name} spec.password`,
      });
    }
  }
  return refs;
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

/**
 * Reads Nodes, BGPConfiguration `default`, BGPPeers and Pods, and for each BGP password Secret
 * whether it exists in calico-node's namespace (metadata only) and whether calico-node's
 * ServiceAccount may read it (SubjectAccessReview); the API group and Calico version come from
 * the client's connection.
 */
export function readClusterSnapshot(
  request: MigrationRequest,
): Effect.Effect<ClusterSnapshot, AnyCalicoClientError, CalicoApi> {
  return Effect.gen(function* () {
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
    const namespace = request.calicoNodeNamespace ?? migrationDefaults.calicoNode.namespace;
    const serviceAccount =
      request.calicoNodeServiceAccount ?? migrationDefaults.calicoNode.serviceAccount;
    const passwordSecrets = yield* Effect.forEach(
      passwordSecretRefs(bgpConfiguration, peers),
      (ref) =>
        // a reference without a Secret name (the CRD default "") names nothing to check
        (ref.name === ""
          ? Effect.succeed<[boolean | null, AccessAnswer[]]>([false, []])
          : Effect.all(
              [
                api
                  .call((signal) => client.secretAccess.exists(namespace, ref.name, { signal }))
                  .pipe(Effect.catchTag("Forbidden", () => Effect.succeed(null))),
                api.call((signal) =>
                  client.secretAccess.review(
                    { namespace, name: serviceAccount },
                    namespace,
                    ref.name,
                    secretReaderVerbs,
                    { signal },
                  ),
                ),
              ],
              { concurrency: "unbounded" },
            )
        ).pipe(
          Effect.map(
            ([exists, calicoNodeMay]): PasswordSecretCheck => ({
              ...ref,
              namespace,
              exists,
              serviceAccount,
              calicoNodeMay,
            }),
          ),
        ),
      { concurrency: 4 },
    );
    return {
      nodes: [...nodes].sort((a, b) => a.name.localeCompare(b.name)),
      bgpConfiguration,
      peers,
      pods,
      reflectorLabelKey,
      calicoApi: client.facts.api.apiVersion,
      calicoVersion: client.facts.calicoVersion ?? null,
      passwordSecrets,
    };
  });
}
