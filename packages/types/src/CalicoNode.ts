import * as z from "zod";
import { parseASNumber } from "./ASNumber.js";
import {
  decodeGoStringMap,
  type GoDecode,
  goJsonList,
  goJsonObject,
  goJsonOmitEmptyString,
  goJsonString,
  goJsonStringMap,
  omitEmpty,
  parseGoJson,
} from "./internal/node/GoJson.js";
import {
  formatGoIPv4,
  isGoIPv4,
  isGoMac,
  parseGoAddress,
  parseGoCidr,
  parseGoCidrOrIp,
} from "./internal/node/GoNet.js";
import { calicoNodeInputSchema } from "./internal/schemas/CalicoNodeSchemas.js";
import type { KubernetesNode } from "./KubernetesNode.js";

/**
 * The core-Node annotation keys Calico's Kubernetes backend reads and writes, by the Calico
 * field they carry. `kubeLabels` is never stored on the core Node: it only exists on the Calico
 * view, holding the Kubernetes labels so that a write can tell them from Calico-only labels.
 *
 * @example
 * ```ts
 * const patch = {
 *   metadata: { annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: "244.0.0.1" } },
 * };
 * ```
 */
export const calicoNodeAnnotations = {
  ipv4Address: "projectcalico.org/IPv4Address",
  ipv6Address: "projectcalico.org/IPv6Address",
  asNumber: "projectcalico.org/ASNumber",
  routeReflectorClusterID: "projectcalico.org/RouteReflectorClusterID",
  ipv4IPIPTunnelAddr: "projectcalico.org/IPv4IPIPTunnelAddr",
  ipv4VXLANTunnelAddr: "projectcalico.org/IPv4VXLANTunnelAddr",
  vxlanTunnelMACAddr: "projectcalico.org/VXLANTunnelMACAddr",
  ipv6VXLANTunnelAddr: "projectcalico.org/IPv6VXLANTunnelAddr",
  vxlanTunnelMACAddrV6: "projectcalico.org/VXLANTunnelMACAddrV6",
  wireguardInterfaceIPv4Address: "projectcalico.org/IPv4WireguardInterfaceAddr",
  wireguardInterfaceIPv6Address: "projectcalico.org/IPv6WireguardInterfaceAddr",
  wireguardPublicKey: "projectcalico.org/WireguardPublicKey",
  wireguardPublicKeyV6: "projectcalico.org/WireguardPublicKeyV6",
  interfaces: "projectcalico.org/Interfaces",
  labels: "projectcalico.org/labels",
  annotations: "projectcalico.org/annotations",
  kubeLabels: "projectcalico.org/kube-labels",
} as const;

const optionalString = z.string().optional();

const NodeBgpSpecSchema = z.looseObject({
  asNumber: z.number().int().min(0).max(4294967295).optional(),
  ipv4Address: optionalString,
  ipv6Address: optionalString,
  ipv4IPIPTunnelAddr: optionalString,
  routeReflectorClusterID: optionalString,
});

/**
 * Calico's Node resource (`projectcalico.org/v3`, kind `Node`; libcalico-go `internalapi.Node`),
 * JSON field names as Calico writes them. A reading schema: unknown fields are kept.
 *
 * @example
 * ```ts
 * import { execFileSync } from "node:child_process";
 *
 * const calicoctlGetNodeJson = execFileSync("calicoctl", ["get", "node", "node-1", "-o", "json"], {
 *   encoding: "utf8",
 * });
 * const node = CalicoNodeSchema.parse(JSON.parse(calicoctlGetNodeJson));
 * node.spec.bgp?.routeReflectorClusterID;
 * ```
 */
export const CalicoNodeSchema = z.looseObject({
  apiVersion: z.literal("projectcalico.org/v3"),
  kind: z.literal("Node"),
  metadata: z.looseObject({
    name: z.string(),
    uid: optionalString,
    resourceVersion: optionalString,
    creationTimestamp: optionalString,
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
  spec: z.looseObject({
    bgp: NodeBgpSpecSchema.optional(),
    ipv4VXLANTunnelAddr: optionalString,
    vxlanTunnelMACAddr: optionalString,
    ipv6VXLANTunnelAddr: optionalString,
    vxlanTunnelMACAddrV6: optionalString,
    orchRefs: z
      .array(z.looseObject({ nodeName: optionalString, orchestrator: z.string() }))
      .optional(),
    wireguard: z
      .looseObject({ interfaceIPv4Address: optionalString, interfaceIPv6Address: optionalString })
      .optional(),
    addresses: z
      .array(
        z.looseObject({
          address: z.string(),
          type: z.enum(["CalicoNodeIP", "InternalIP", "ExternalIP"]).optional(),
        }),
      )
      .optional(),
    interfaces: z
      .array(z.looseObject({ name: optionalString, addresses: z.array(z.string()).optional() }))
      .optional(),
  }),
  status: z
    .looseObject({
      wireguardPublicKey: optionalString,
      wireguardPublicKeyV6: optionalString,
      podCIDRs: z.array(z.string()).optional(),
    })
    .optional(),
});

/**
 * A Calico Node as a user writes it (`calicoctl get node -o yaml`, edited, then applied): the
 * fields of libcalico-go's Node, unknown fields refused; `spec.bgp.asNumber` may be a decimal
 * or asdot string. What `validateResource` checks a Node against, with libcalico-go's rules.
 *
 * @example
 * ```ts
 * const result = CalicoNodeInputSchema.safeParse({
 *   apiVersion: "projectcalico.org/v3", kind: "Node", metadata: { name: "rr-1" },
 *   spec: { bgp: { ipv4Address: "10.0.0.5/24", routeReflectorClusterID: "244.0.0.1" } },
 * });
 * result.success; // true
 * ```
 */
export const CalicoNodeInputSchema = calicoNodeInputSchema();

/**
 * A Calico Node (see {@link CalicoNodeSchema}).
 *
 * @example
 * ```ts
 * const rr: CalicoNode = {
 *   apiVersion: "projectcalico.org/v3",
 *   kind: "Node",
 *   metadata: { name: "rr-1" },
 *   spec: { bgp: { ipv4Address: "10.0.0.5/24", routeReflectorClusterID: "244.0.0.1" } },
 * };
 * ```
 */
export type CalicoNode = z.infer<typeof CalicoNodeSchema>;

type NodeBgpSpec = NonNullable<CalicoNode["spec"]["bgp"]>;
type NodeInterface = NonNullable<CalicoNode["spec"]["interfaces"]>[number];
type NodeAddress = NonNullable<CalicoNode["spec"]["addresses"]>[number];

/**
 * True when `text` is a route-reflector cluster ID as Calico's validator requires it for
 * `spec.bgp.routeReflectorClusterID` (rule `ipv4`): a plain dotted IPv4 address, no prefix, no
 * leading zeros. The annotation reader is laxer (it keeps an IPv4 CIDR without host bits too), so
 * a writer checks with this to store only cluster IDs every Calico component reads alike.
 *
 * @example
 * ```ts
 * isRouteReflectorClusterId("244.0.0.1"); // true
 * isRouteReflectorClusterId("244.0.0.0/8"); // false
 * ```
 */
export function isRouteReflectorClusterId(text: string): boolean {
  return parseGoAddress(text)?.dotted === true;
}

/**
 * Raised when Calico itself would refuse the conversion: an unparsable `spec.podCIDR` with
 * `usePodCIDR`, or an unparsable `projectcalico.org/kube-labels` annotation on write.
 *
 * @example
 * ```ts
 * const { node } = calicoNodeFromKubernetes({ metadata: { name: "node-1" } });
 * node.spec.bgp = { ipv4Address: "10.0.0.1/24", routeReflectorClusterID: "244.0.0.1" };
 * try {
 *   kubernetesNodeFieldsFromCalico(node);
 * } catch (error) {
 *   if (error instanceof CalicoNodeConversionError) console.error(error.field, error.message);
 * }
 * ```
 */
export class CalicoNodeConversionError extends Error {
  readonly _tag = "CalicoNodeConversionError";
  override readonly name = "CalicoNodeConversionError";
  constructor(
    /** The offending field, e.g. `spec.podCIDR`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link calicoNodeFromKubernetes}. */
export interface CalicoNodeReadOptions {
  /**
   * Calico's `usePodCIDR` mode (host-local IPAM): the IPIP tunnel address is the pod CIDR's
   * address plus one (and so is the WireGuard IPv4 address when a public key is set), instead
   * of the IPIP and WireGuard interface annotations. Default false.
   */
  readonly usePodCIDR?: boolean;
}

/** Result of {@link calicoNodeFromKubernetes}. */
export interface CalicoNodeRead {
  readonly node: CalicoNode;
  /** One sentence per annotation value Calico ignores: the key, the value, why, how to fix. */
  readonly warnings: string[];
}

// How Calico checks an annotation before using it (libcalico-go validator/v3 functions).
interface AnnotationRule {
  readonly accepts: (value: string) => boolean;
  readonly problem: string;
  readonly example: string;
}

// ValidateCIDRv4/v6 take any address or CIDR of the family; ValidateIPv4/v6Network also refuse
// host bits below the prefix.
function addressRule(version: 4 | 6, network: boolean, example: string): AnnotationRule {
  return {
    accepts: (value) => {
      const parsed = parseGoCidrOrIp(value);
      return parsed?.version === version && (!network || parsed.strictlyMasked);
    },
    problem: network
      ? `not an IPv${version} address or an IPv${version} CIDR without host bits`
      : `not an IPv${version} address or IPv${version} CIDR`,
    example,
  };
}

const cidrV4 = addressRule(4, false, "10.0.0.5 or 10.0.0.5/24");
const cidrV6 = addressRule(6, false, "fd00::5 or fd00::5/64");
const networkV4 = addressRule(4, true, "244.0.0.1");
const networkV6 = addressRule(6, true, "fd00::1");
const mac: AnnotationRule = {
  accepts: isGoMac,
  problem: "not a MAC address",
  example: "66:da:4b:12:3a:7f",
};

function ignored(node: string, key: string, value: string, why: string, fix: string): string {
  const reason = why.replace(/\.$/, "");
  return `Calico ignores annotation ${key}=${JSON.stringify(value)} on node ${node}: ${reason}. Fix: ${fix}.`;
}

// getAnnotation in Calico's node.go: an empty value counts as unset, an invalid one is dropped
// (and reported); a valid one is stored into `target[field]`.
function copyChecked<K extends string>(
  target: { [P in K]?: string | undefined },
  field: K,
  coreNode: KubernetesNode,
  key: string,
  rule: AnnotationRule,
  warnings: string[],
): void {
  const value = coreNode.metadata.annotations?.[key];
  if (value === undefined || value === "") return;
  if (rule.accepts(value)) {
    target[field] = value;
    return;
  }
  warnings.push(
    ignored(
      coreNode.metadata.name,
      key,
      value,
      rule.problem,
      `use a value such as ${rule.example}, or remove the annotation`,
    ),
  );
}

// An annotation holding JSON: absent counts as unset, and a value Go cannot decode is ignored.
function readDecoded<T>(
  coreNode: KubernetesNode,
  key: string,
  decode: (raw: string) => GoDecode<T | undefined>,
  fix: string,
  warnings: string[],
): T | undefined {
  const raw = coreNode.metadata.annotations?.[key];
  if (raw === undefined) return undefined;
  const decoded = decode(raw);
  if (decoded.ok) return decoded.value;
  warnings.push(ignored(coreNode.metadata.name, key, raw, decoded.reason, fix));
  return undefined;
}

function readStringMap(
  coreNode: KubernetesNode,
  key: string,
  warnings: string[],
): Record<string, string> | undefined {
  const fix = 'write a JSON object of strings, e.g. {"rack":"r1"}';
  return readDecoded(coreNode, key, decodeGoStringMap, fix, warnings);
}

// Go's json.Unmarshal into []NodeInterface: keys match case-insensitively, null leaves the zero
// value, and any type mismatch fails the whole value.
function decodeInterfaces(raw: string): GoDecode<NodeInterface[] | undefined> {
  const parsed = parseGoJson(raw);
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, value: undefined };
  if (!Array.isArray(parsed.value)) return { ok: false, reason: "not a JSON array" };
  const interfaces: NodeInterface[] = [];
  for (const item of parsed.value) {
    if (item !== null && (typeof item !== "object" || Array.isArray(item))) {
      return { ok: false, reason: "an element is not a JSON object" };
    }
    const decoded: { name?: string; addresses?: string[] } = {};
    for (const [key, value] of Object.entries(item ?? {})) {
      const field = key.toLowerCase();
      if (value === null || (field !== "name" && field !== "addresses")) continue;
      if (field === "name") {
        if (typeof value !== "string")
          return { ok: false, reason: "an interface name is not a string" };
        // Empty values are what Calico's JSON (omitempty) leaves out, so leave them out too.
        if (value !== "") decoded.name = value;
        else delete decoded.name;
      } else {
        if (!Array.isArray(value))
          return { ok: false, reason: "interface addresses are not an array" };
        if (value.some((address) => address !== null && typeof address !== "string")) {
          return { ok: false, reason: "an interface address is not a string" };
        }
        if (value.length > 0) decoded.addresses = value.map((address) => address ?? "");
        else delete decoded.addresses;
      }
    }
    interfaces.push(decoded);
  }
  return { ok: true, value: interfaces };
}

// Calico removes invalid addresses while ranging over the same slice, which shifts the
// remaining addresses under the loop: an invalid address right after a removed one survives,
// and a removal past the shortened end panics. Mirrored here so that we see what Calico sees.
function dropInvalidAddresses(
  coreNode: KubernetesNode,
  iface: NodeInterface,
  warnings: string[],
): NodeInterface | "panic" {
  const original = iface.addresses;
  if (original === undefined) return iface;
  const shared = [...original];
  let length = shared.length;
  for (let index = 0; index < original.length; index++) {
    const address = shared[index] ?? "";
    if (parseGoAddress(address) !== undefined) continue;
    if (index + 1 > length) return "panic";
    shared.copyWithin(index, index + 1, length);
    length--;
    warnings.push(
      ignored(
        coreNode.metadata.name,
        calicoNodeAnnotations.interfaces,
        address,
        `interface ${JSON.stringify(iface.name ?? "")} lists an address that is not an IP, so Calico drops it`,
        "list plain IP addresses only",
      ),
    );
  }
  const { addresses: _original, ...rest } = iface;
  return length > 0 ? { ...rest, addresses: shared.slice(0, length) } : rest;
}

function readInterfaces(coreNode: KubernetesNode, warnings: string[]): NodeInterface[] | undefined {
  const key = calicoNodeAnnotations.interfaces;
  const fix = 'write a JSON array such as [{"name":"eth0","addresses":["10.0.0.5"]}]';
  const decoded = readDecoded(coreNode, key, decodeInterfaces, fix, warnings);
  if (decoded === undefined) return undefined;
  const interfaces: NodeInterface[] = [];
  for (const iface of decoded) {
    const cleaned = dropInvalidAddresses(coreNode, iface, warnings);
    if (cleaned === "panic") {
      warnings.push(
        ignored(
          coreNode.metadata.name,
          key,
          coreNode.metadata.annotations?.[key] ?? "",
          "Calico's reader crashes (slice index out of range) on invalid addresses in this position",
          "list plain IP addresses only",
        ),
      );
      return undefined;
    }
    interfaces.push(cleaned);
  }
  return interfaces;
}

// getStaticTunnelAddress: the pod CIDR's address with its last byte incremented (wrapping).
function podCidrTunnelAddress(coreNode: KubernetesNode, podCIDR: string): string {
  const cidr = parseGoCidr(podCIDR);
  if (cidr === undefined) {
    throw new CalicoNodeConversionError(
      "spec.podCIDR",
      `Node ${coreNode.metadata.name} has spec.podCIDR ${JSON.stringify(podCIDR)}, which is not a CIDR; with usePodCIDR Calico cannot read this node. Fix the pod CIDR (e.g. 10.244.1.0/24).`,
    );
  }
  if (!isGoIPv4(cidr.address.bytes)) return "";
  const bytes = Uint8Array.from(cidr.address.bytes);
  bytes[15] = ((bytes[15] ?? 0) + 1) & 0xff;
  return formatGoIPv4(bytes);
}

/**
 * The Calico Node view of a core Kubernetes Node, exactly as Calico's Kubernetes datastore
 * builds it (libcalico-go `K8sNodeToCalico`):
 * - `metadata`: name, uid, resourceVersion and creationTimestamp of the core Node; labels are the
 *   JSON of `projectcalico.org/labels` overlaid with the Kubernetes labels (Kubernetes wins);
 *   annotations are the JSON of `projectcalico.org/annotations` plus `projectcalico.org/kube-labels`
 *   (the Kubernetes labels as JSON, `null` when there are none, which lets a later write tell
 *   inherited labels from Calico-only ones).
 * - `spec.bgp`, tunnel and WireGuard addresses, `status.wireguardPublicKey[V6]` and
 *   `spec.interfaces` from the `projectcalico.org/*` annotations; `spec.orchRefs` is
 *   `[{ nodeName, orchestrator: "k8s" }]`; `spec.addresses` lists the BGP addresses
 *   (`CalicoNodeIP`) then the core InternalIP/ExternalIP addresses; `status.podCIDRs` copies
 *   `spec.podCIDRs`.
 *
 * An annotation value Calico's validators reject is left out, as Calico leaves it out, and a
 * warning names the annotation, the value, the rule and the fix. Empty values count as unset
 * (except `ASNumber`, which Calico tries to parse and so warns about).
 *
 * @throws {CalicoNodeConversionError} with `usePodCIDR` when `spec.podCIDR` is not a CIDR.
 * @example
 * ```ts
 * const { node, warnings } = calicoNodeFromKubernetes({
 *   metadata: {
 *     name: "rr-1",
 *     labels: { "route-reflector": "true" },
 *     annotations: {
 *       "projectcalico.org/IPv4Address": "10.0.0.5/24",
 *       "projectcalico.org/RouteReflectorClusterID": "288.0.4.5",
 *     },
 *   },
 * });
 * node.spec.bgp; // { ipv4Address: "10.0.0.5/24" }
 * warnings; // ["Calico ignores annotation projectcalico.org/RouteReflectorClusterID=\"288.0.4.5\" ..."]
 * ```
 */
export function calicoNodeFromKubernetes(
  coreNode: KubernetesNode,
  options: CalicoNodeReadOptions = {},
): CalicoNodeRead {
  const warnings: string[] = [];
  const keys = calicoNodeAnnotations;
  const { name } = coreNode.metadata;
  const annotations = coreNode.metadata.annotations ?? {};

  const metadata: CalicoNode["metadata"] = { name };
  if (coreNode.metadata.uid) metadata.uid = coreNode.metadata.uid;
  if (coreNode.metadata.resourceVersion) {
    metadata.resourceVersion = coreNode.metadata.resourceVersion;
  }
  if (coreNode.metadata.creationTimestamp) {
    metadata.creationTimestamp = coreNode.metadata.creationTimestamp;
  }
  const labels = omitEmpty({
    ...readStringMap(coreNode, keys.labels, warnings),
    ...coreNode.metadata.labels,
  });
  if (labels !== undefined) metadata.labels = labels;
  metadata.annotations = {
    ...readStringMap(coreNode, keys.annotations, warnings),
    [keys.kubeLabels]: goJsonStringMap(coreNode.metadata.labels),
  };

  const bgp: NodeBgpSpec = {};
  const asText = annotations[keys.asNumber];
  if (asText !== undefined) {
    // The annotation is read with numorstring.ASNumberFromString, the rule parseASNumber mirrors.
    const asNumber = parseASNumber(asText);
    if (asNumber.ok) {
      bgp.asNumber = asNumber.value;
    } else {
      warnings.push(
        ignored(
          name,
          keys.asNumber,
          asText,
          asNumber.message,
          "correct it or remove the annotation",
        ),
      );
    }
  }
  copyChecked(bgp, "ipv4Address", coreNode, keys.ipv4Address, cidrV4, warnings);
  copyChecked(bgp, "ipv6Address", coreNode, keys.ipv6Address, cidrV6, warnings);

  const wireguard: NonNullable<CalicoNode["spec"]["wireguard"]> = {};
  const podCIDR = coreNode.spec?.podCIDR;
  if (options.usePodCIDR === true && podCIDR) {
    const tunnel = podCidrTunnelAddress(coreNode, podCIDR);
    if (tunnel !== "") bgp.ipv4IPIPTunnelAddr = tunnel;
    if (tunnel !== "" && annotations[keys.wireguardPublicKey]) {
      wireguard.interfaceIPv4Address = tunnel;
    }
  } else {
    copyChecked(bgp, "ipv4IPIPTunnelAddr", coreNode, keys.ipv4IPIPTunnelAddr, networkV4, warnings);
    copyChecked(
      wireguard,
      "interfaceIPv4Address",
      coreNode,
      keys.wireguardInterfaceIPv4Address,
      networkV4,
      warnings,
    );
    copyChecked(
      wireguard,
      "interfaceIPv6Address",
      coreNode,
      keys.wireguardInterfaceIPv6Address,
      networkV6,
      warnings,
    );
  }
  copyChecked(
    bgp,
    "routeReflectorClusterID",
    coreNode,
    keys.routeReflectorClusterID,
    networkV4,
    warnings,
  );

  const spec: CalicoNode["spec"] = {};
  const bgpSpec = omitEmpty(bgp);
  if (bgpSpec !== undefined) spec.bgp = bgpSpec;
  copyChecked(spec, "ipv4VXLANTunnelAddr", coreNode, keys.ipv4VXLANTunnelAddr, networkV4, warnings);
  copyChecked(spec, "vxlanTunnelMACAddr", coreNode, keys.vxlanTunnelMACAddr, mac, warnings);
  copyChecked(spec, "ipv6VXLANTunnelAddr", coreNode, keys.ipv6VXLANTunnelAddr, networkV6, warnings);
  copyChecked(spec, "vxlanTunnelMACAddrV6", coreNode, keys.vxlanTunnelMACAddrV6, mac, warnings);
  spec.orchRefs = [{ nodeName: name, orchestrator: "k8s" }];
  const wireguardSpec = omitEmpty(wireguard);
  if (wireguardSpec !== undefined) spec.wireguard = wireguardSpec;

  const addresses: NodeAddress[] = [];
  if (bgpSpec?.ipv4Address) addresses.push({ address: bgpSpec.ipv4Address, type: "CalicoNodeIP" });
  if (bgpSpec?.ipv6Address) addresses.push({ address: bgpSpec.ipv6Address, type: "CalicoNodeIP" });
  for (const { type, address } of coreNode.status?.addresses ?? []) {
    if (type === "InternalIP" || type === "ExternalIP") addresses.push({ address, type });
  }
  if (addresses.length > 0) spec.addresses = addresses;
  const interfaces = readInterfaces(coreNode, warnings);
  if (interfaces !== undefined) spec.interfaces = interfaces;

  const status: NonNullable<CalicoNode["status"]> = {};
  const publicKey = annotations[keys.wireguardPublicKey];
  if (publicKey) status.wireguardPublicKey = publicKey;
  const publicKeyV6 = annotations[keys.wireguardPublicKeyV6];
  if (publicKeyV6) status.wireguardPublicKeyV6 = publicKeyV6;
  const podCIDRs = coreNode.spec?.podCIDRs;
  if (podCIDRs !== undefined && podCIDRs.length > 0) status.podCIDRs = [...podCIDRs];

  return {
    node: { apiVersion: "projectcalico.org/v3", kind: "Node", metadata, spec, status },
    warnings,
  };
}

/**
 * Annotations to set on the core Node: a value to write, or `null` to delete the key. This is
 * exactly the `metadata.annotations` of a JSON merge patch.
 */
export type CalicoNodeAnnotationPatch = Record<string, string | null>;

/** Result of {@link kubernetesNodeFieldsFromCalico}. */
export interface KubernetesNodeFields {
  /**
   * Every annotation Calico manages on the core Node. Calico never changes the core Node's
   * labels: Calico-only labels travel in `projectcalico.org/labels`, so there is no label part.
   */
  readonly annotations: CalicoNodeAnnotationPatch;
  /** Label changes Calico drops because a Kubernetes label of the same key shadows them. */
  readonly warnings: string[];
}

// restoreCalicoLabels: labels inherited from Kubernetes (recorded in kube-labels) are removed so
// that only Calico-only labels are stored; kube-labels itself is bookkeeping and never stored.
function calicoOnlyMetadata(node: CalicoNode, warnings: string[]) {
  const raw = node.metadata.annotations?.[calicoNodeAnnotations.kubeLabels];
  if (raw === undefined || raw === "") {
    return { labels: node.metadata.labels, annotations: node.metadata.annotations };
  }
  const decoded = decodeGoStringMap(raw);
  if (!decoded.ok) {
    throw new CalicoNodeConversionError(
      `metadata.annotations["${calicoNodeAnnotations.kubeLabels}"]`,
      `Node ${node.metadata.name}: annotation ${calicoNodeAnnotations.kubeLabels} is ${decoded.reason}, so Calico refuses the update. Fix: keep the value read from the cluster, or remove the annotation.`,
    );
  }
  const labels = { ...node.metadata.labels };
  for (const [key, kubeValue] of Object.entries(decoded.value ?? {})) {
    const value = labels[key];
    if (value !== undefined && value !== kubeValue) {
      warnings.push(
        `Calico ignores label ${key}=${JSON.stringify(value)} on node ${node.metadata.name}: the Kubernetes label ${key}=${JSON.stringify(kubeValue)} shadows it. Fix: change the label on the Kubernetes Node instead.`,
      );
    }
    delete labels[key];
  }
  const { [calicoNodeAnnotations.kubeLabels]: _bookkeeping, ...annotations } =
    node.metadata.annotations ?? {};
  return { labels, annotations };
}

function jsonMapOrDelete(map: Record<string, string> | undefined): string | null {
  return map !== undefined && Object.keys(map).length > 0 ? goJsonStringMap(map) : null;
}

function valueOrDelete(value: string | undefined): string | null {
  return value ? value : null;
}

function interfacesJson(interfaces: readonly NodeInterface[]): string {
  const items = interfaces.map((iface) =>
    goJsonObject([
      ["name", goJsonOmitEmptyString(iface.name)],
      ["addresses", goJsonList(iface.addresses, goJsonString)],
    ]),
  );
  return `[${items.join(",")}]`;
}

/**
 * The annotations Calico's Kubernetes datastore writes on the core Node when it updates this
 * Calico Node (libcalico-go `mergeCalicoNodeIntoK8sNode`): every Calico-managed annotation with
 * its new value, or `null` where the Calico field is empty (Calico deletes the annotation).
 * `spec.bgp` absent deletes all five BGP annotations; `spec.addresses`, `spec.orchRefs` and
 * `status.podCIDRs` are derived on read and never written. Labels: those recorded in
 * `projectcalico.org/kube-labels` are inherited and dropped; the rest are written as JSON to
 * `projectcalico.org/labels`; a change to a shadowed label is ignored with a warning.
 *
 * @throws {CalicoNodeConversionError} when `projectcalico.org/kube-labels` is not JSON.
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/api/v1/nodes/node-1");
 * const coreNode = KubernetesNodeSchema.parse(await response.json());
 * const { node } = calicoNodeFromKubernetes(coreNode);
 * node.spec.bgp = { ...node.spec.bgp, routeReflectorClusterID: "244.0.0.1" };
 * const { annotations, warnings } = kubernetesNodeFieldsFromCalico(node);
 * const mergePatch = { metadata: { annotations } }; // PATCH application/merge-patch+json
 * ```
 */
export function kubernetesNodeFieldsFromCalico(node: CalicoNode): KubernetesNodeFields {
  const warnings: string[] = [];
  const keys = calicoNodeAnnotations;
  const { labels, annotations } = calicoOnlyMetadata(node, warnings);
  const { spec, status } = node;
  const bgp = spec.bgp;
  const wireguard = spec.wireguard;
  return {
    annotations: {
      [keys.labels]: jsonMapOrDelete(labels),
      [keys.annotations]: jsonMapOrDelete(annotations),
      [keys.ipv4VXLANTunnelAddr]: valueOrDelete(spec.ipv4VXLANTunnelAddr),
      [keys.vxlanTunnelMACAddr]: valueOrDelete(spec.vxlanTunnelMACAddr),
      [keys.ipv6VXLANTunnelAddr]: valueOrDelete(spec.ipv6VXLANTunnelAddr),
      [keys.vxlanTunnelMACAddrV6]: valueOrDelete(spec.vxlanTunnelMACAddrV6),
      [keys.ipv4Address]: valueOrDelete(bgp?.ipv4Address),
      [keys.ipv4IPIPTunnelAddr]: valueOrDelete(bgp?.ipv4IPIPTunnelAddr),
      [keys.ipv6Address]: valueOrDelete(bgp?.ipv6Address),
      [keys.asNumber]: bgp?.asNumber === undefined ? null : String(bgp.asNumber),
      [keys.routeReflectorClusterID]: valueOrDelete(bgp?.routeReflectorClusterID),
      [keys.wireguardInterfaceIPv4Address]: valueOrDelete(wireguard?.interfaceIPv4Address),
      [keys.wireguardInterfaceIPv6Address]: valueOrDelete(wireguard?.interfaceIPv6Address),
      [keys.wireguardPublicKey]: valueOrDelete(status?.wireguardPublicKey),
      [keys.wireguardPublicKeyV6]: valueOrDelete(status?.wireguardPublicKeyV6),
      [keys.interfaces]: spec.interfaces === undefined ? null : interfacesJson(spec.interfaces),
    },
    warnings,
  };
}
