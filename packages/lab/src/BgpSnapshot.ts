import type {
  BgpConfiguration,
  BgpConfigurationSpec,
  BgpPeer,
  BlockAffinity,
  BlockAffinityV1,
  CalicoNode,
  IpPool,
} from "@calicokit/types";

// What calico-node's BGP reads: Calico resources as @calicokit/types defines them, reduced to
// metadata and spec, so full resources from the API server fit and so do test literals. Its own
// module because both the BGP computation (BgpTopology) and its parts (internal/bird) read it.

/** A Calico Node (projectcalico.org/v3 `Node`): name, labels and `spec.bgp` drive its BGP. */
export type SnapshotNode = Pick<CalicoNode, "metadata" | "spec">;

/** A `secretKeyRef` as BGPPeer `password` and BGPConfiguration `nodeMeshPassword` carry it. */
export type SnapshotSecretKeyRef = NonNullable<
  NonNullable<BgpPeer["spec"]["password"]>["secretKeyRef"]
>;

/** A BGPPeer; `metadata.name` orders BGPPeers (first writer wins) and names them in explanations. */
export type SnapshotBgpPeer = Pick<BgpPeer, "metadata" | "spec">;

/** The spec of a BGPConfiguration (`default` or `node.<nodename>`). */
export type SnapshotBgpConfigurationSpec = BgpConfigurationSpec;

/** A BGPConfiguration; only `default` and `node.<nodename>` are read, as calico-node does. */
export type SnapshotBgpConfiguration = Pick<BgpConfiguration, "metadata" | "spec">;

/** An IPPool. */
export type SnapshotIpPool = Pick<IpPool, "metadata" | "spec">;

/**
 * A BlockAffinity: an IPAM block owned by a node. Both forms occur: the v1 storage form keeps
 * `deleted` as the string "true"/"false" and the lab's v1 API serves it as it is stored.
 */
export type SnapshotBlockAffinity = Pick<BlockAffinity, "spec"> | Pick<BlockAffinityV1, "spec">;

/** Everything calico-node's BGP reads, at one moment. */
export interface BgpSnapshot {
  readonly nodes: readonly SnapshotNode[];
  readonly bgpPeers?: readonly SnapshotBgpPeer[] | undefined;
  readonly bgpConfigurations?: readonly SnapshotBgpConfiguration[] | undefined;
  readonly ipPools?: readonly SnapshotIpPool[] | undefined;
  readonly blockAffinities?: readonly SnapshotBlockAffinity[] | undefined;
  /** Looks up a Secret value (calico-node reads them from its own namespace). */
  readonly resolveSecret?: ((name: string, key: string) => string | undefined) | undefined;
}
