/** Kubernetes object metadata as the client reads and writes it (unknown fields kept). */
export interface ObjectMeta {
  /** Required by Calico on every write; optional only because reads type it so. */
  readonly name?: string | undefined;
  readonly namespace?: string | undefined;
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly annotations?: Readonly<Record<string, string>> | undefined;
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
   * Whether stored objects carry their labels at the top level, so the apiserver can select on
   * them. Not in crd.projectcalico.org/v1, where they sit in an annotation: the client filters.
   */
  readonly labelsServerSide: boolean;
  /**
   * Validates a v3 object about to be written and returns the body to send; throws a
   * `CalicoClientError` tagged `Invalid` naming each bad field. `verb` is the write's verb:
   * a `create` records the creation time where Calico's storage keeps it.
   */
  encode(
    object: CalicoObject,
    verb?: string,
  ): { readonly body: CalicoObject; readonly warnings: string[] };
  /** The UID the stored object has, for a v3 UID (v1 storage bit-reverses UIDs). */
  storedUid(uid: string): string;
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
