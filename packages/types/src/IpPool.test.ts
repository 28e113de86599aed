import { describe, expect, it } from "vitest";
import { itChecksRules, type RuleCase } from "../test/RuleCases.js";
import { validateResource } from "./Validation.js";

const pool = (spec: Record<string, unknown>) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "IPPool",
  metadata: { name: "pool-a" },
  spec,
});

const v4 = { cidr: "10.244.0.0/16" };

const cases: RuleCase[] = [
  {
    rule: "ippool.cel.ipip-vxlan",
    accepted: { ...v4, ipipMode: "CrossSubnet", vxlanMode: "Never" },
    rejected: { ...v4, ipipMode: "Always", vxlanMode: "CrossSubnet" },
    path: "spec.vxlanMode",
    message: "ipipMode and vxlanMode cannot both be enabled; set one of them to Never",
  },
  {
    rule: "ippool.cel.loadbalancer-encapsulation",
    accepted: { ...v4, allowedUses: ["LoadBalancer"], vxlanMode: "Never" },
    rejected: { ...v4, allowedUses: ["LoadBalancer"], vxlanMode: "Always" },
    path: "spec.allowedUses",
    message: "LoadBalancer IP pool cannot have IPIP or VXLAN enabled",
  },
  {
    rule: "ippool.cel.loadbalancer-exclusive",
    accepted: { ...v4, allowedUses: ["Workload", "Tunnel"] },
    rejected: { ...v4, allowedUses: ["LoadBalancer", "Tunnel"] },
    path: "spec.allowedUses",
    message: "LoadBalancer cannot be combined with Workload or Tunnel allowed uses",
  },
  {
    rule: "ippool.cel.loadbalancer-export",
    accepted: { ...v4, allowedUses: ["LoadBalancer"], disableBGPExport: false },
    rejected: { ...v4, allowedUses: ["LoadBalancer"], disableBGPExport: true },
    path: "spec.disableBGPExport",
    message: "LoadBalancer IP pools cannot disable BGP export",
  },
  {
    rule: "ippool.cel.loadbalancer-nodeSelector",
    accepted: { ...v4, allowedUses: ["LoadBalancer"], nodeSelector: "all()" },
    rejected: { ...v4, allowedUses: ["LoadBalancer"], nodeSelector: "has(lb)" },
    path: "spec.nodeSelector",
    message: "IP Pool with AllowedUse LoadBalancer must have nodeSelector set to all()",
  },
  {
    rule: "ippool.cel.tunnel-namespaceSelector",
    accepted: { ...v4, allowedUses: ["Workload"], namespaceSelector: "team == 'a'" },
    rejected: { ...v4, allowedUses: ["Tunnel"], namespaceSelector: "team == 'a'" },
    path: "spec.namespaceSelector",
    message: "IP Pool with AllowedUse Tunnel cannot have namespaceSelector",
  },
  {
    rule: "ippool.cel.nodeSelector-global",
    accepted: { ...v4, nodeSelector: "all()" },
    rejected: { ...v4, nodeSelector: "global()" },
    path: "spec.nodeSelector",
    message: "global() selector is not valid for IPPool nodeSelector",
  },
  {
    rule: "ippool.cel.namespaceSelector-global",
    accepted: { ...v4, namespaceSelector: "all()" },
    rejected: { ...v4, namespaceSelector: "global()" },
    path: "spec.namespaceSelector",
    message: "global() selector is not valid for IPPool namespaceSelector",
  },
  {
    rule: "ippool.cel.ipip-ipv6",
    accepted: { cidr: "fd00:10::/48", vxlanMode: "Always" },
    rejected: { cidr: "fd00:10::/48", ipipMode: "Always" },
    path: "spec.ipipMode",
    message: "IPIP is not supported on IPv6 pools",
  },
  {
    rule: "ippool.cel.cidr-masked",
    accepted: { cidr: "fd00:10::/48" },
    rejected: { cidr: "10.244.0.1/16" },
    path: "spec.cidr",
    message: "IPPool CIDR must be strictly masked",
  },
  {
    rule: "ippool.cel.ipv4-link-local",
    accepted: { cidr: "169.0.0.0/9" },
    rejected: { cidr: "169.0.0.0/8" },
    path: "spec.cidr",
    message: "IPPool CIDR overlaps with IPv4 link local range 169.254.0.0/16",
  },
  {
    rule: "ippool.cel.ipv6-link-local",
    accepted: { cidr: "fec0::/64" },
    rejected: { cidr: "fe80::/64" },
    path: "spec.cidr",
    message: "IPPool CIDR overlaps with IPv6 link local range fe80::/10",
  },
  {
    rule: "ippool.cel.blockSize-range",
    accepted: { cidr: "fd00::/64", blockSize: 116 },
    rejected: { cidr: "fd00::/64", blockSize: 32 },
    path: "spec.blockSize",
    message:
      "blockSize must be between 20 and 32 for IPv4 pools, and between 116 and 128 for IPv6 pools",
  },
  {
    rule: "ippool.cel.pool-size",
    accepted: { cidr: "10.0.0.0/30", disabled: true },
    rejected: { cidr: "10.0.0.0/30" },
    path: "spec.cidr",
    message:
      "IP pool size is too small for use with Calico IPAM. It must be equal to or greater than the block size.",
  },
  {
    rule: "crd.format.cidr",
    accepted: { cidr: "10.0.0.0/24", blockSize: 24 },
    rejected: { cidr: "10.0.0.0" },
    path: "spec.cidr",
    message: 'spec.cidr "10.0.0.0" is not a CIDR (CRD format: cidr)',
  },
  {
    rule: "ippool.cel.cidr-parse",
    accepted: { cidr: "10.1.0.0/16" },
    rejected: { cidr: "010.1.0.0/16" },
    path: "spec.cidr",
    message: "cannot be read by the CRD's CEL cidr() function",
  },
  {
    rule: "selector.syntax",
    accepted: { ...v4, nodeSelector: "zone in {'a', 'b'}" },
    rejected: { ...v4, nodeSelector: "zone in 'a'" },
    path: "spec.nodeSelector",
    message: "spec.nodeSelector is not a valid selector",
  },
  {
    rule: "selector.syntax",
    accepted: { ...v4, namespaceSelector: "" },
    rejected: { ...v4, namespaceSelector: "team = 'a'" },
    path: "spec.namespaceSelector",
    message: "spec.namespaceSelector is not a valid selector",
  },
  {
    rule: "crd.list-set.unique",
    accepted: { ...v4, allowedUses: ["Workload"] },
    rejected: { ...v4, allowedUses: ["Workload", "Workload"] },
    path: "spec.allowedUses[1]",
    message: "duplicate value",
  },
  {
    rule: "crd.maxLength",
    accepted: { cidr: "fd00:1234:5678:9abc:def0:1234:5678:0/112" },
    rejected: { cidr: "0000:0000:0000:0000:0000:ffff:255.255.255.255/128" },
    path: "spec.cidr",
    message: "more than the 48 allowed",
  },
  {
    rule: "crd.required",
    accepted: v4,
    rejected: { ipipMode: "Never" },
    path: "spec.cidr",
    message: "spec.cidr is required",
  },
];

describe("validateResource: IPPool rules", () => {
  itChecksRules(cases, pool);

  it("enforces the CRD's immutability of cidr and blockSize when given the stored object", () => {
    const stored = pool({ cidr: "10.244.0.0/16", blockSize: 26 });
    expect(
      validateResource(pool({ cidr: "10.244.0.0/16", blockSize: 26, natOutgoing: true }), {
        previous: stored,
      }).ok,
    ).toBe(true);
    const changed = validateResource(pool({ cidr: "10.245.0.0/16", blockSize: 24 }), {
      previous: stored,
    });
    expect(changed.ok ? [] : changed.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ["spec.cidr", "ippool.cel.cidr-immutable"],
      ["spec.blockSize", "ippool.cel.blockSize-immutable"],
    ]);
  });
});
