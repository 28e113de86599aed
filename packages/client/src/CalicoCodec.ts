import {
  applyReadDefaults,
  type CalicoResource,
  convertCalicoUid,
  fromV1,
  type KubernetesObject,
  toStoredForm,
  toV1,
  V1ConversionError,
  type ValidationIssue,
  validateResource,
} from "@calicokit/types";
import { CalicoClientError } from "./CalicoClientError.js";
import {
  type ApiGroup,
  type CalicoObject,
  calicoV1Api,
  calicoV3Api,
  type WireCodec,
} from "./CalicoObject.js";

/** Called with each validation warning of a write (e.g. an AS number above int32). */
export type WarningSink = (warning: ValidationIssue & { readonly name: string }) => void;

/**
 * `object` as `projectcalico.org/v3`, checked by `validateResource` (AS numbers made plain
 * integers); a failure is a `CalicoClientError` tagged `Invalid` naming each field.
 *
 * @example
 * ```ts
 * const node = validated(
 *   { apiVersion: "projectcalico.org/v3", kind: "Node", metadata: { name: "rr-1" },
 *     spec: { bgp: { ipv4Address: "10.0.0.5/24", routeReflectorClusterID: "244.0.0.1" } } },
 *   undefined,
 * )
 * ```
 */
export function validated(
  object: CalicoObject,
  onWarning: WarningSink | undefined,
): CalicoResource {
  const v3 = { ...object, apiVersion: calicoV3Api.apiVersion };
  const result = validateResource(v3);
  const name = object.metadata?.name ?? "(unnamed)";
  if (!result.ok) {
    throw new CalicoClientError(
      "Invalid",
      `${object.kind} "${name}" was not sent: it fails Calico's validation`,
      {
        causes: result.issues.map((i) => ({ field: i.path, reason: i.rule, message: i.message })),
        target: { verb: "write", resource: object.kind, name },
      },
    );
  }
  for (const warning of result.warnings) onWarning?.({ ...warning, name });
  return result.value;
}

/**
 * The codec for one API group, built from @calicokit/types. In both, a write is what calicoctl
 * writes: validated (Calico's Go rules, which the CRDs and CEL do not enforce), then in the form
 * calicoctl has the apiserver store (`toStoredForm`: libcalico-go's defaults, Go's omitempty);
 * reads get the defaults libcalico-go applies on read (`applyReadDefaults`: IPPools).
 * - `projectcalico.org/v3`: the object is sent as it is.
 * - `crd.projectcalico.org/v1`: Calico's storage CRDs: converted to the v1 form (metadata
 *   annotation, converted UID); reads are converted back to v3.
 *
 * @example
 * ```ts
 * const peer = {
 *   apiVersion: "projectcalico.org/v3",
 *   kind: "BGPPeer",
 *   metadata: { name: "peer-a" },
 *   spec: { peerIP: "192.0.2.1", asNumber: 64512 },
 * }
 * const codec = calicoCodec(calicoV1Api)
 * const { body } = codec.encode(peer)   // a crd.projectcalico.org/v1 BGPPeer, ready to POST
 * ```
 */
export function calicoCodec(api: ApiGroup, onWarning?: WarningSink): WireCodec {
  if (api.version === "v3") {
    return {
      api,
      labelsServerSide: true,
      storedUid: (uid) => uid,
      encode: (object) => ({
        body: toStoredForm(validated(object, onWarning)) as CalicoObject,
        warnings: [],
      }),
      decode: (stored) => applyReadDefaults(stored as CalicoResource) as CalicoObject,
    };
  }
  return {
    api: calicoV1Api,
    labelsServerSide: false,
    storedUid: (uid) =>
      converted(
        uid,
        "Invalid",
        "uid",
        (u) => convertCalicoUid(u),
        "give the uid the object was read with",
      ),
    encode: (object, verb) => {
      const stored = toStoredForm(validated(object, onWarning));
      const resource = verb === "create" ? withCreationTime(stored) : stored;
      const body = converted(resource, "Invalid", "object", (r) => toV1(r as KubernetesObject));
      return { body: body as CalicoObject, warnings: [] };
    },
    decode: (stored) =>
      converted(
        stored,
        "Unknown",
        "stored object",
        (s) => applyReadDefaults(fromV1(s as KubernetesObject) as CalicoResource) as CalicoObject,
        "the stored object is not in the form calicoctl writes: fix or delete it with kubectl",
      ),
  };
}

/**
 * calicoctl's Create stamps a missing creationTimestamp with its own clock (clientv3 Create),
 * which the v1 form keeps in the `projectcalico.org/metadata` annotation; metav1.Time has
 * whole seconds.
 */
function withCreationTime(resource: CalicoResource): CalicoResource {
  if ((resource.metadata as { creationTimestamp?: unknown }).creationTimestamp) return resource;
  const creationTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  return { ...resource, metadata: { ...resource.metadata, creationTimestamp } } as CalicoResource;
}

/**
 * A v3 <-> v1 conversion whose `V1ConversionError` becomes a `CalicoClientError` naming the
 * field: `Invalid` for what the caller gave, `Unknown` for what the apiserver holds.
 */
function converted<I, O>(
  input: I,
  tag: "Invalid" | "Unknown",
  what: string,
  convert: (input: I) => O,
  hint?: string,
): O {
  try {
    return convert(input);
  } catch (error) {
    if (!(error instanceof V1ConversionError)) throw error;
    const name = (input as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
    throw new CalicoClientError(
      tag,
      `${what}${typeof name === "string" ? ` "${name}"` : ""} cannot be converted to or from crd.projectcalico.org/v1: ${error.message}`,
      { causes: [{ field: error.path, message: error.message }], cause: error, hint },
    );
  }
}
