import type { z } from "zod";
import type { IpPoolInputSchema } from "../../IpPool.js";
import { checkCidrFormat, checkSelector } from "./FieldChecks.js";
import { type Cidr, cidrContains, isMasked, parseCelCidr } from "./IpAddress.js";
import type { Findings } from "./Issue.js";
import type { RuleOptions } from "./RuleOptions.js";

type IpPoolSpec = z.output<typeof IpPoolInputSchema>["spec"];

const ipv4LinkLocal = parseCelCidr("169.254.0.0/16") as Cidr;
const ipv4LinkLocalStart = parseCelCidr("169.254.0.0/32") as Cidr;
const ipv6LinkLocal = parseCelCidr("fe80::/10") as Cidr;
const ipv6LinkLocalStart = parseCelCidr("fe80::/128") as Cidr;

function enabled(mode: string | undefined): boolean {
  return mode !== undefined && mode !== "" && mode !== "Never";
}

function previousSpec(previous: unknown): Record<string, unknown> | undefined {
  if (typeof previous !== "object" || previous === null) return undefined;
  const spec = (previous as { spec?: unknown }).spec;
  return typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>) : undefined;
}

/** CEL rules of the IPPool CRD (with the CRD defaults applied first, as the API server does). */
export function checkIpPool(findings: Findings, spec: IpPoolSpec, options: RuleOptions): void {
  const uses = spec.allowedUses ?? [];
  const loadBalancer = uses.includes("LoadBalancer");
  // CRD default: an absent nodeSelector is "all()" when the rules run.
  const nodeSelector = spec.nodeSelector ?? "all()";

  if (enabled(spec.ipipMode) && enabled(spec.vxlanMode)) {
    findings.error(
      "spec.vxlanMode",
      "ippool.cel.ipip-vxlan",
      "crd-cel",
      "spec.vxlanMode: ipipMode and vxlanMode cannot both be enabled; set one of them to Never",
    );
  }
  if (loadBalancer && (enabled(spec.ipipMode) || enabled(spec.vxlanMode))) {
    findings.error(
      "spec.allowedUses",
      "ippool.cel.loadbalancer-encapsulation",
      "crd-cel",
      "spec.allowedUses: LoadBalancer IP pool cannot have IPIP or VXLAN enabled; set ipipMode and vxlanMode to Never",
    );
  }
  if (loadBalancer && (uses.includes("Workload") || uses.includes("Tunnel"))) {
    findings.error(
      "spec.allowedUses",
      "ippool.cel.loadbalancer-exclusive",
      "crd-cel",
      "spec.allowedUses: LoadBalancer cannot be combined with Workload or Tunnel allowed uses; use a separate pool for load balancer addresses",
    );
  }
  if (loadBalancer && spec.disableBGPExport === true) {
    findings.error(
      "spec.disableBGPExport",
      "ippool.cel.loadbalancer-export",
      "crd-cel",
      "spec.disableBGPExport: LoadBalancer IP pools cannot disable BGP export; remove disableBGPExport or set it to false",
    );
  }
  if (loadBalancer && nodeSelector !== "all()") {
    findings.error(
      "spec.nodeSelector",
      "ippool.cel.loadbalancer-nodeSelector",
      "crd-cel",
      'spec.nodeSelector: IP Pool with AllowedUse LoadBalancer must have nodeSelector set to all(); set it to exactly "all()" or remove it',
    );
  }
  if (
    uses.includes("Tunnel") &&
    spec.namespaceSelector !== undefined &&
    spec.namespaceSelector !== ""
  ) {
    findings.error(
      "spec.namespaceSelector",
      "ippool.cel.tunnel-namespaceSelector",
      "crd-cel",
      "spec.namespaceSelector: IP Pool with AllowedUse Tunnel cannot have namespaceSelector; remove it or drop Tunnel from allowedUses",
    );
  }
  if (nodeSelector.includes("global(")) {
    findings.error(
      "spec.nodeSelector",
      "ippool.cel.nodeSelector-global",
      "crd-cel",
      "spec.nodeSelector: global() selector is not valid for IPPool nodeSelector; use all() or a label selector",
    );
  }
  if (spec.namespaceSelector?.includes("global(")) {
    findings.error(
      "spec.namespaceSelector",
      "ippool.cel.namespaceSelector-global",
      "crd-cel",
      "spec.namespaceSelector: global() selector is not valid for IPPool namespaceSelector; use all() or a label selector",
    );
  }

  if (checkCidrFormat(findings, "spec.cidr", spec.cidr)) checkCidrRules(findings, spec);

  // Transition rules (only on update): the CIDR and block size are immutable.
  const before = previousSpec(options.previous);
  if (before !== undefined) {
    if (before.cidr !== undefined && before.cidr !== spec.cidr) {
      findings.error(
        "spec.cidr",
        "ippool.cel.cidr-immutable",
        "crd-cel",
        "spec.cidr: CIDR cannot be changed; follow IP pool migration guide to avoid corruption (create a new pool, disable the old one, migrate workloads, delete it)",
      );
    }
    if (before.blockSize !== undefined && before.blockSize !== spec.blockSize) {
      findings.error(
        "spec.blockSize",
        "ippool.cel.blockSize-immutable",
        "crd-cel",
        "spec.blockSize: Block size cannot be changed; follow IP pool migration guide to avoid corruption (create a new pool with the new block size instead)",
      );
    }
  }

  if (spec.nodeSelector !== undefined)
    checkSelector(findings, "spec.nodeSelector", spec.nodeSelector);
  if (spec.namespaceSelector !== undefined) {
    checkSelector(findings, "spec.namespaceSelector", spec.namespaceSelector);
  }
}

function checkCidrRules(findings: Findings, spec: IpPoolSpec): void {
  const cidr = parseCelCidr(spec.cidr);
  if (cidr === undefined) {
    findings.error(
      "spec.cidr",
      "ippool.cel.cidr-parse",
      "crd-cel",
      `spec.cidr ${JSON.stringify(spec.cidr)} cannot be read by the CRD's CEL cidr() function (no leading zeros, no IPv4-mapped IPv6); write it like "10.244.0.0/16"`,
    );
    return;
  }
  if (cidr.family === 6 && enabled(spec.ipipMode)) {
    findings.error(
      "spec.ipipMode",
      "ippool.cel.ipip-ipv6",
      "crd-cel",
      "spec.ipipMode: IPIP is not supported on IPv6 pools; set ipipMode to Never (use vxlanMode for IPv6 encapsulation)",
    );
  }
  if (!isMasked(cidr)) {
    findings.error(
      "spec.cidr",
      "ippool.cel.cidr-masked",
      "crd-cel",
      `spec.cidr: IPPool CIDR must be strictly masked; ${JSON.stringify(spec.cidr)} has host bits set, use the network address`,
    );
  }
  if (cidrContains(ipv4LinkLocal, cidr) || cidrContains(cidr, ipv4LinkLocalStart)) {
    findings.error(
      "spec.cidr",
      "ippool.cel.ipv4-link-local",
      "crd-cel",
      "spec.cidr: IPPool CIDR overlaps with IPv4 link local range 169.254.0.0/16; choose a range outside it",
    );
  }
  if (cidrContains(ipv6LinkLocal, cidr) || cidrContains(cidr, ipv6LinkLocalStart)) {
    findings.error(
      "spec.cidr",
      "ippool.cel.ipv6-link-local",
      "crd-cel",
      "spec.cidr: IPPool CIDR overlaps with IPv6 link local range fe80::/10; choose a range outside it",
    );
  }
  const blockSize = spec.blockSize ?? 0;
  if (blockSize !== 0) {
    const inRange =
      cidr.family === 4 ? blockSize >= 20 && blockSize <= 32 : blockSize >= 116 && blockSize <= 128;
    if (!inRange) {
      findings.error(
        "spec.blockSize",
        "ippool.cel.blockSize-range",
        "crd-cel",
        `spec.blockSize: blockSize must be between 20 and 32 for IPv4 pools, and between 116 and 128 for IPv6 pools (got ${blockSize} for an IPv${cidr.family} pool)`,
      );
    }
  }
  if (spec.disabled !== true) {
    const effectiveBlock = blockSize !== 0 ? blockSize : cidr.family === 4 ? 26 : 122;
    if (cidr.prefixLength > effectiveBlock) {
      findings.error(
        "spec.cidr",
        "ippool.cel.pool-size",
        "crd-cel",
        `spec.cidr: IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size. /${cidr.prefixLength} is smaller than a /${effectiveBlock} block; widen the CIDR or set a larger spec.blockSize`,
      );
    }
  }
}
