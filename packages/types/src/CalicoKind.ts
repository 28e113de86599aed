/**
 * Calico's public API group (`projectcalico.org/v3`: aggregated API server or native v3 CRDs).
 *
 * @example
 * ```ts
 * `/apis/${calicoV3Group}/v3/bgppeers`; // "/apis/projectcalico.org/v3/bgppeers"
 * ```
 */
export const calicoV3Group = "projectcalico.org";

/**
 * Calico's internal storage group (`crd.projectcalico.org/v1`), used by the Kubernetes backend.
 *
 * @example
 * ```ts
 * `/apis/${calicoV1Group}/v1/ippools`; // "/apis/crd.projectcalico.org/v1/ippools"
 * ```
 */
export const calicoV1Group = "crd.projectcalico.org";

/**
 * `apiVersion` of the public API.
 *
 * @example
 * ```ts
 * const peer = { apiVersion: calicoV3ApiVersion, kind: "BGPPeer", metadata: { name: "p" }, spec: {} };
 * ```
 */
export const calicoV3ApiVersion = "projectcalico.org/v3";

/**
 * `apiVersion` of the internal storage group.
 *
 * @example
 * ```ts
 * const pool = { apiVersion: calicoV1ApiVersion, kind: "IPPool", metadata: { name: "p" }, spec: { cidr: "10.0.0.0/16" } };
 * ```
 */
export const calicoV1ApiVersion = "crd.projectcalico.org/v1";

/** One of the two apiVersions Calico resources are served under. */
export type CalicoApiVersion = typeof calicoV3ApiVersion | typeof calicoV1ApiVersion;

/** What the API needs to know about a kind (identical in both groups). */
export interface CalicoKindInfo {
  /** Resource name in URLs. */
  readonly plural: string;
  /** All Calico kinds modelled here are cluster-scoped. */
  readonly namespaced: false;
  /** Whether the kind has a `status` (and a `/status` subresource in both CRD sets). */
  readonly hasStatus: boolean;
}

/**
 * The Calico kinds calicokit models: plural, scope and status subresource, per kind.
 *
 * @example
 * ```ts
 * const { plural } = calicoKinds.BGPPeer;
 * const path = `/apis/${calicoV3Group}/v3/${plural}/peer-a`;
 * ```
 */
export const calicoKinds = {
  BGPConfiguration: { plural: "bgpconfigurations", namespaced: false, hasStatus: false },
  BGPPeer: { plural: "bgppeers", namespaced: false, hasStatus: false },
  BGPFilter: { plural: "bgpfilters", namespaced: false, hasStatus: false },
  IPPool: { plural: "ippools", namespaced: false, hasStatus: true },
  BlockAffinity: { plural: "blockaffinities", namespaced: false, hasStatus: false },
  ClusterInformation: { plural: "clusterinformations", namespaced: false, hasStatus: false },
  CalicoNodeStatus: { plural: "caliconodestatuses", namespaced: false, hasStatus: true },
} as const satisfies Record<string, CalicoKindInfo>;

/** Name of a Calico kind calicokit models, e.g. `"BGPPeer"`. */
export type CalicoKind = keyof typeof calicoKinds;

/**
 * True if `kind` is one of the Calico kinds calicokit models.
 *
 * @example
 * ```ts
 * isCalicoKind("BGPPeer"); // true
 * isCalicoKind("Pod"); // false
 * ```
 */
export function isCalicoKind(kind: unknown): kind is CalicoKind {
  return typeof kind === "string" && Object.hasOwn(calicoKinds, kind);
}
