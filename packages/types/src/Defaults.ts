import type { BgpConfiguration } from "./BgpConfiguration.js";
import type { BgpPeer } from "./BgpPeer.js";
import type { BlockAffinity } from "./BlockAffinity.js";
import type { IpPool } from "./IpPool.js";
import { formatMaskedCidr, parseGoCidrText } from "./internal/validation/IpAddress.js";
import type { CalicoResource } from "./Validation.js";

// Defaulting is explicit (never in the read schemas, whose output may be written back): this is
// what Calico fills in on create/update. BGPConfiguration and BlockAffinity get their CRD
// defaults (which libcalico-go also applies), BGPPeer its one CRD default, IPPool the defaults
// of libcalico-go's IPPool client. Runtime defaults that Calico never stores (mesh on, AS 64512,
// port 179, ...) are not written.

function withSpec<T extends { spec: object }>(resource: T, spec: T["spec"]): T {
  return { ...resource, spec };
}

type Password = BgpPeer["spec"]["password"];

// The CRDs default a password's secretKeyRef name to "" (BGPPeer and BGPConfiguration alike).
function defaultPassword<P extends Password>(password: P): P {
  const secretKeyRef = password?.secretKeyRef;
  if (secretKeyRef === undefined || secretKeyRef.name !== undefined) return password;
  return { ...password, secretKeyRef: { ...secretKeyRef, name: "" } };
}

function defaultBgpConfiguration(resource: BgpConfiguration): BgpConfiguration {
  const spec = { ...resource.spec };
  spec.logSeverityScreen ??= "Info";
  spec.serviceLoadBalancerAggregation ??= "Enabled";
  if (spec.nodeMeshPassword !== undefined) {
    spec.nodeMeshPassword = defaultPassword(spec.nodeMeshPassword);
  }
  return withSpec(resource, spec);
}

function defaultBgpPeer(resource: BgpPeer): BgpPeer {
  const password = defaultPassword(resource.spec.password);
  if (password === resource.spec.password) return resource;
  return withSpec(resource, { ...resource.spec, password });
}

// libcalico-go's IPPool client defaults on write (validateAndSetDefaults, which also normalises
// the CIDR) and on read (convertIpPoolFromStorage, which leaves the CIDR and, when it is not a
// CIDR, everything else as stored).
function defaultIpPool(resource: IpPool, onWrite: boolean): IpPool {
  const spec = { ...resource.spec };
  const cidr = parseGoCidrText(spec.cidr);
  if (cidr === undefined && !onWrite) return resource;
  if (cidr !== undefined && onWrite) spec.cidr = formatMaskedCidr(cidr);
  if (spec.nodeSelector === undefined || spec.nodeSelector === "") spec.nodeSelector = "all()";
  if (spec.blockSize === undefined || spec.blockSize === 0) {
    if (cidr !== undefined) spec.blockSize = cidr.family === 4 ? 26 : 122;
  }
  if (spec.allowedUses === undefined || spec.allowedUses.length === 0) {
    spec.allowedUses = ["Workload", "Tunnel"];
  }
  spec.assignmentMode ??= "Automatic";
  spec.ipipMode ??= "Never";
  spec.vxlanMode ??= "Never";
  return withSpec(resource, spec);
}

function defaultBlockAffinity(resource: BlockAffinity): BlockAffinity {
  if (resource.spec.deleted !== undefined) return resource;
  return withSpec(resource, { ...resource.spec, deleted: false });
}

/**
 * Returns a copy of `resource` with the values Calico fills in on create and update, as
 * libcalico-go and the CRD defaults do (calico-resources §7): BGPConfiguration
 * `logSeverityScreen: Info` and `serviceLoadBalancerAggregation: Enabled`; BGPPeer
 * and BGPConfiguration `password.secretKeyRef.name: ""`; IPPool normalised CIDR, `nodeSelector: all()`, `blockSize`
 * 26 (IPv4) or 122 (IPv6), `allowedUses: [Workload, Tunnel]`, `assignmentMode: Automatic`,
 * `ipipMode`/`vxlanMode: Never`; BlockAffinity (v3) `deleted: false`. Other kinds are returned
 * unchanged. The input is not modified.
 *
 * @example
 * ```ts
 * const pool = applyDefaults({
 *   apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "v6" },
 *   spec: { cidr: "fd00:0:0::/48" },
 * });
 * pool.spec; // { cidr: "fd00::/48", nodeSelector: "all()", blockSize: 122, allowedUses: ["Workload", "Tunnel"],
 *            //   assignmentMode: "Automatic", ipipMode: "Never", vxlanMode: "Never" }
 * ```
 */
export function applyDefaults<T extends CalicoResource>(resource: T): T {
  switch (resource.kind) {
    case "BGPConfiguration":
      return defaultBgpConfiguration(resource as BgpConfiguration) as T;
    case "BGPPeer":
      return defaultBgpPeer(resource as BgpPeer) as T;
    case "IPPool":
      return defaultIpPool(resource as IpPool, true) as T;
    case "BlockAffinity":
      return resource.apiVersion === "projectcalico.org/v3"
        ? (defaultBlockAffinity(resource as BlockAffinity) as T)
        : resource;
    default:
      return resource;
  }
}

/**
 * Returns a copy of `resource` with the defaults libcalico-go fills in when it reads a resource
 * from storage, so that a read shows what calicoctl shows: an IPPool stored with only a `cidr`
 * reads back with `nodeSelector: all()`, `blockSize` 26 or 122, `allowedUses: [Workload,
 * Tunnel]`, `ipipMode`/`vxlanMode: Never` and `assignmentMode: Automatic` (the CIDR as stored).
 * Other kinds are returned unchanged: Calico defaults nothing else on read.
 *
 * @example
 * ```ts
 * const stored: IpPool = {
 *   apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "v4" },
 *   spec: { cidr: "10.244.0.0/16" },
 * };
 * applyReadDefaults(stored).spec.blockSize; // 26
 * ```
 */
export function applyReadDefaults<T extends CalicoResource>(resource: T): T {
  return resource.kind === "IPPool" ? (defaultIpPool(resource as IpPool, false) as T) : resource;
}
