import { formatGoDuration, parseGoDuration } from "../../GoDuration.js";

// What Go's json.Marshal does to a Calico spec that calicoctl decoded from the user's YAML:
// a value-typed field tagged `omitempty` (bool, number, string, slice, map) disappears when it
// holds its zero value, while pointer fields (*bool, *int, *ASNumber, *struct) keep it; and a
// *metav1.Duration is written back as time.Duration.String(). The shapes below list, per kind,
// the fields whose Go type makes a difference (api/pkg/apis/projectcalico/v3/*.go json tags);
// every other field is written as given.

/** How one field of a Go struct is marshalled. */
type Field =
  /** a value type tagged `omitempty`: false, 0, "", [] and {} are left out */
  | "omitZero"
  /** a *metav1.Duration: written as time.Duration.String() */
  | "duration"
  /** a struct (or, with `list`, a slice of structs, left out when empty) with its own fields */
  | { readonly fields: Shape; readonly list?: true };

type Shape = Readonly<Record<string, Field>>;

const omitZero = "omitZero";
const duration = "duration";

// k8s SecretKeySelector: the embedded LocalObjectReference's name is `omitempty`.
const password: Field = { fields: { secretKeyRef: { fields: { name: omitZero } } } };

const bgpFilterRule: Field = {
  list: true,
  fields: {
    cidr: omitZero,
    source: omitZero,
    interface: omitZero,
    matchOperator: omitZero,
    peerType: omitZero,
    asPathPrefix: omitZero,
    operations: omitZero,
  },
};

const cidrBlocks: Field = { list: true, fields: { cidr: omitZero } };

const specShapes: Readonly<Record<string, Shape>> = {
  BGPPeer: {
    node: omitZero,
    nodeSelector: omitZero,
    peerIP: omitZero,
    asNumber: omitZero,
    peerSelector: omitZero,
    keepOriginalNextHop: omitZero,
    password,
    sourceAddress: omitZero,
    maxRestartTime: duration,
    keepaliveTime: duration,
    reachableBy: omitZero,
    filters: omitZero,
    localWorkloadSelector: omitZero,
  },
  BGPConfiguration: {
    logSeverityScreen: omitZero,
    serviceLoadBalancerIPs: cidrBlocks,
    serviceExternalIPs: cidrBlocks,
    serviceClusterIPs: cidrBlocks,
    communities: { list: true, fields: { name: omitZero, value: omitZero } },
    prefixAdvertisements: { list: true, fields: { cidr: omitZero, communities: omitZero } },
    listenPort: omitZero,
    nodeMeshPassword: password,
    nodeMeshMaxRestartTime: duration,
    ignoredInterfaces: omitZero,
    localWorkloadPeeringIPV4: omitZero,
    localWorkloadPeeringIPV6: omitZero,
  },
  BGPFilter: {
    exportV4: bgpFilterRule,
    importV4: bgpFilterRule,
    exportV6: bgpFilterRule,
    importV6: bgpFilterRule,
  },
  IPPool: {
    vxlanMode: omitZero,
    ipipMode: omitZero,
    natOutgoing: omitZero,
    disabled: omitZero,
    disableBGPExport: omitZero,
    blockSize: omitZero,
    nodeSelector: omitZero,
    namespaceSelector: omitZero,
    allowedUses: omitZero,
  },
  BlockAffinity: { type: omitZero },
  ClusterInformation: {
    clusterGUID: omitZero,
    clusterType: omitZero,
    calicoVersion: omitZero,
    variant: omitZero,
  },
  CalicoNodeStatus: { node: omitZero, classes: omitZero },
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isGoZero(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return value === false || value === 0 || value === "";
}

function marshal(value: Record<string, unknown>, shape: Shape): Record<string, unknown> {
  const out = { ...value };
  for (const [key, field] of Object.entries(shape)) {
    const given = out[key];
    if (given === undefined) continue;
    if (field === omitZero) {
      if (isGoZero(given)) delete out[key];
    } else if (field === duration) {
      const nanoseconds = typeof given === "string" ? parseGoDuration(given) : undefined;
      if (nanoseconds !== undefined) out[key] = formatGoDuration(nanoseconds);
    } else if (field.list === true) {
      if (!Array.isArray(given)) continue;
      if (given.length === 0) delete out[key];
      else out[key] = given.map((item) => (isObject(item) ? marshal(item, field.fields) : item));
    } else if (isObject(given)) {
      out[key] = marshal(given, field.fields);
    }
  }
  return out;
}

/**
 * The spec of a `kind` resource as Go's json.Marshal writes Calico's struct for it (zero values
 * of `omitempty` value fields left out, durations in Go's form). Unknown kinds and non-object
 * specs are returned as given. The input is not modified.
 */
export function marshalSpecLikeGo(kind: string, spec: unknown): unknown {
  const shape = specShapes[kind];
  return shape === undefined || !isObject(spec) ? spec : marshal(spec, shape);
}
