import { applyDefaults } from "./Defaults.js";
import { marshalSpecLikeGo } from "./internal/storage/GoMarshal.js";
import type { CalicoResource } from "./Validation.js";

/**
 * The `projectcalico.org/v3` resource exactly as calicoctl has the API server store it for the
 * same YAML: libcalico-go's defaults, then Go's json.Marshal of Calico's structs (an `omitempty`
 * value field holding its zero value is left out: `keepOriginalNextHop: false`, `asNumber: 0`,
 * `natOutgoing: false`, `node: ""`, `filters: []`...; pointer fields such as
 * `nodeToNodeMeshEnabled: false` stay; durations are written as Go writes them, `"120s"` as
 * `"2m0s"`), then the CRD defaults the API server adds. Give it a validated resource (what
 * `validateResource` returns); the input is not modified.
 *
 * @example
 * ```ts
 * const stored = toStoredForm({
 *   apiVersion: "projectcalico.org/v3", kind: "BGPPeer", metadata: { name: "to-rr" },
 *   spec: { peerIP: "192.0.2.1", asNumber: 64512, keepOriginalNextHop: false, maxRestartTime: "120s" },
 * });
 * stored.spec; // { peerIP: "192.0.2.1", asNumber: 64512, maxRestartTime: "2m0s" }
 * ```
 */
export function toStoredForm<T extends CalicoResource>(resource: T): T {
  return applyDefaults({ ...resource, spec: marshalSpecLikeGo(resource.kind, resource.spec) } as T);
}
