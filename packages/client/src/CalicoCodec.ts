import {
  applyDefaults,
  type CalicoResource,
  convertCalicoUid,
  fromV1,
  type KubernetesObject,
  toV1,
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
    storedUid: convertCalicoUid,
    encode: (object) => {
      const resource = applyDefaults(validated(object, onWarning));
      return { body: toV1(resource as KubernetesObject) as CalicoObject, warnings: [] };
    },
    decode: (stored) => fromV1(stored as KubernetesObject) as CalicoObject,
  };
}
