import type { CalicoApi } from "@calicokit/testkit";
import { calicoNodeAnnotations, calicoV1ApiVersion, calicoV3ApiVersion } from "@calicokit/types";
import { podPoolV4, podPoolV6 } from "./LabAddressing.js";

/** The Calico API a lab serves: the v1 storage CRDs or the v3 CRDs. */
export type LabCalicoApi = Exclude<CalicoApi, "none">;

/** What the lab knows about a node when it registers it. */
export interface LabNodeSpec {
  readonly name: string;
  readonly ipv4: string;
  readonly ipv6?: string;
  readonly zone: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export const zoneLabel = "topology.kubernetes.io/zone";

/** `apiVersion` of Calico objects in the lab's API. */
export function calicoApiVersion(api: LabCalicoApi): string {
  return api === "v1" ? calicoV1ApiVersion : calicoV3ApiVersion;
}

/** Collection (or object) path of a cluster-scoped Calico resource. */
export function calicoPath(api: LabCalicoApi, plural: string, name?: string): string {
  const base = `/apis/${calicoApiVersion(api)}/${plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** The core Node as kubelet registers it, with the annotations calico-node's start-up writes. */
export function coreNode(node: LabNodeSpec, prefixLengths: { v4: number; v6: number }) {
  const annotations: Record<string, string> = {
    [calicoNodeAnnotations.ipv4Address]: `${node.ipv4}/${prefixLengths.v4}`,
  };
  if (node.ipv6 !== undefined) {
    annotations[calicoNodeAnnotations.ipv6Address] = `${node.ipv6}/${prefixLengths.v6}`;
  }
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      labels: {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        [zoneLabel]: node.zone,
        ...node.labels,
      },
      annotations,
    },
  };
}

/** The Node's `status.addresses` (written through the status subresource). */
export function coreNodeAddresses(node: LabNodeSpec) {
  const addresses = [
    { type: "InternalIP", address: node.ipv4 },
    { type: "Hostname", address: node.name },
  ];
  if (node.ipv6 !== undefined) addresses.splice(1, 0, { type: "InternalIP", address: node.ipv6 });
  return addresses;
}

/** Calico's default pool for a family, as calico-node creates it on first start. */
export function ipPool(api: LabCalicoApi, family: 4 | 6) {
  const pool = family === 4 ? podPoolV4 : podPoolV6;
  return {
    apiVersion: calicoApiVersion(api),
    kind: "IPPool",
    metadata: { name: family === 4 ? "default-ipv4-ippool" : "default-ipv6-ippool" },
    spec: {
      cidr: pool.cidr,
      blockSize: pool.blockSize,
      ipipMode: "Never",
      vxlanMode: "Never",
      natOutgoing: true,
      nodeSelector: "all()",
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
    },
  };
}

/** `192.168.0.64/26` -> `192-168-0-64-26`, Calico IPAM's name form for blocks. */
function cidrName(cidr: string): string {
  return cidr.replaceAll(/[.:/]/g, "-");
}

/** The BlockAffinity Calico IPAM writes when it claims a block for a node (`<node>-<cidr>`). */
export function blockAffinity(api: LabCalicoApi, node: string, cidr: string) {
  return {
    apiVersion: calicoApiVersion(api),
    kind: "BlockAffinity",
    metadata: { name: `${node}-${cidrName(cidr)}` },
    // v1 stores `deleted` as a string for compatibility with old releases; v3 as a boolean.
    spec: { state: "confirmed", node, cidr, type: "host", deleted: api === "v1" ? "false" : false },
  };
}

/** The IPAMBlock Calico IPAM writes beside the affinity: empty, affine to the node. */
export function ipamBlock(api: LabCalicoApi, node: string, cidr: string) {
  const size = 2 ** ((cidr.includes(":") ? 128 : 32) - Number(cidr.split("/")[1]));
  return {
    apiVersion: calicoApiVersion(api),
    kind: "IPAMBlock",
    metadata: { name: cidrName(cidr) },
    spec: {
      cidr,
      affinity: `host:${node}`,
      allocations: Array.from({ length: size }, () => null),
      unallocated: Array.from({ length: size }, (_, i) => i),
      attributes: [],
      strictAffinity: false,
      deleted: false,
    },
  };
}

/** The `default` BGPConfiguration with the lab's AS (the mesh stays on, Calico's default). */
export function defaultBgpConfiguration(api: LabCalicoApi, asNumber: number) {
  return {
    apiVersion: calicoApiVersion(api),
    kind: "BGPConfiguration",
    metadata: { name: "default" },
    spec: { asNumber, nodeToNodeMeshEnabled: true, logSeverityScreen: "Info" },
  };
}

/** The `default` ClusterInformation calico-node writes: a ready KDD datastore. */
export function clusterInformation(api: LabCalicoApi, calicoVersion: string) {
  return {
    apiVersion: calicoApiVersion(api),
    kind: "ClusterInformation",
    metadata: { name: "default" },
    spec: {
      calicoVersion,
      clusterType: "k8s,bgp,kdd",
      datastoreReady: true,
    },
  };
}
