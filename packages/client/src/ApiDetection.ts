import { CalicoClientError } from "./CalicoClientError.js";
import { type ApiGroup, calicoV1Api, calicoV3Api } from "./CalicoObject.js";

/** Which Calico API group the client talks to: by discovery, or forced. */
export type ApiChoice = "auto" | "v3" | "v1";

/** What discovery found, and which group the client will use. */
export interface ApiDetection {
  readonly api: ApiGroup;
  /** `projectcalico.org/v3` is served (native v3 CRDs or the aggregated Calico apiserver). */
  readonly v3Served: boolean;
  /** `crd.projectcalico.org/v1` is served (Calico's storage CRDs). */
  readonly v1Served: boolean;
}

/**
 * Picks the API group from the apiserver's group list: `projectcalico.org/v3` whenever it is
 * served (alone it is native v3 CRDs; next to v1 it is the aggregated Calico apiserver, which
 * validates and stores to v1 itself), else `crd.projectcalico.org/v1` (the client then
 * validates, defaults and converts like calicoctl), else a clear error.
 *
 * @example
 * ```ts
 * chooseApi([{ name: "crd.projectcalico.org", versions: [{ version: "v1" }] }], "auto").api.version // "v1"
 * ```
 */
export function chooseApi(
  groups: readonly { readonly name: string; readonly versions: readonly { version: string }[] }[],
  choice: ApiChoice,
): ApiDetection {
  const serves = (group: string, version: string) =>
    groups.some((g) => g.name === group && g.versions.some((v) => v.version === version));
  const v3Served = serves(calicoV3Api.group, "v3");
  const v1Served = serves(calicoV1Api.group, "v1");
  const wanted = choice === "auto" ? (v3Served ? "v3" : v1Served ? "v1" : undefined) : choice;
  if (wanted === "v3" && v3Served) return { api: calicoV3Api, v3Served, v1Served };
  if (wanted === "v1" && v1Served) return { api: calicoV1Api, v3Served, v1Served };
  const asked = choice === "auto" ? "" : ` (asked for ${choice})`;
  throw new CalicoClientError(
    "NotFound",
    `Calico CRDs not found${asked}: the apiserver serves neither projectcalico.org/v3 nor crd.projectcalico.org/v1${
      v3Served || v1Served ? ` in the requested version (v3: ${v3Served}, v1: ${v1Served})` : ""
    }. Install Calico (its CRDs) or point the kubeconfig at a Calico cluster`,
    { target: { verb: "get", resource: "apigroups" } },
  );
}
