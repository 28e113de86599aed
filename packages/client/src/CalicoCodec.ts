import {
  applyDefaults,
  type CalicoResource,
  convertCalicoUid,
  fromV1,
  type KubernetesObject,
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

function validated(object: CalicoObject, onWarning: WarningSink | undefined): CalicoResource {
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
 * The codec for one API group, built from @calicokit/types:
 * - `projectcalico.org/v3`: every write is validated (Calico's Go rules, which the CRDs and
 *   CEL do not enforce); the apiserver stores it as it is.
 * - `crd.projectcalico.org/v1`: what calicoctl does on Calico's storage CRDs: validate, apply
 *   libcalico-go's defaults, convert to the v1 form (metadata annotation, converted UID);
 *   reads are converted back to v3.
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
      encode: (object) => ({ body: validated(object, onWarning) as CalicoObject, warnings: [] }),
      decode: (stored) => stored as CalicoObject,
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
    encode: (object) => {
      const resource = applyDefaults(validated(object, onWarning));
      const body = converted(resource, "Invalid", "object", (r) => toV1(r as KubernetesObject));
      return { body: body as CalicoObject, warnings: [] };
    },
    decode: (stored) =>
      converted(
        stored,
        "Unknown",
        "stored object",
        (s) => fromV1(s as KubernetesObject) as CalicoObject,
        "the stored object is not in the form calicoctl writes: fix or delete it with kubectl",
      ),
  };
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
