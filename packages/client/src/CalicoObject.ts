/** Kubernetes object metadata as the client reads and writes it (unknown fields kept). */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** Any Calico resource in its `projectcalico.org/v3` shape. */
export interface CalicoObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** The two Calico API groups the client can talk to. */
export interface ApiGroup {
  readonly group: "projectcalico.org" | "crd.projectcalico.org";
  readonly version: "v3" | "v1";
  readonly apiVersion: "projectcalico.org/v3" | "crd.projectcalico.org/v1";
}

/** `projectcalico.org/v3`: native v3 CRDs or the aggregated Calico apiserver. */
export const calicoV3Api: ApiGroup = {
  group: "projectcalico.org",
  version: "v3",
  apiVersion: "projectcalico.org/v3",
};

/** `crd.projectcalico.org/v1`: Calico's internal storage CRDs (written the way calicoctl does). */
export const calicoV1Api: ApiGroup = {
  group: "crd.projectcalico.org",
  version: "v1",
  apiVersion: "crd.projectcalico.org/v1",
};

/**
 * How objects travel between their v3 shape and what is stored in one API group: the single
 * place where validation, defaulting and the v3 <-> v1 conversion plug in.
 */
export interface WireCodec {
  readonly api: ApiGroup;
  /**
   * Validates a v3 object about to be written and returns the body to send; throws a
   * `CalicoClientError` tagged `Invalid` naming each bad field.
   */
  encode(object: CalicoObject): { readonly body: CalicoObject; readonly warnings: string[] };
  /** The v3 shape of an object read from this group. */
  decode(stored: unknown): CalicoObject;
}

/** What the client knows about one Calico kind. */
export interface ResourceKind<T extends CalicoObject> {
  /** Kind as in the CRD, e.g. `BGPPeer`. */
  readonly kind: string;
  /** Lower-case plural, e.g. `bgppeers`. */
  readonly plural: string;
  /** Checks and types an object read from the server (unknown fields kept). */
  readonly read: (object: CalicoObject) => T;
}
