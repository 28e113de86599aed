import { describe, expect, it } from "vitest";
import { itChecksRules, type RuleCase } from "../test/RuleCases.js";
import { BgpConfigurationSchema } from "./BgpConfiguration.js";
import { validateResource } from "./Validation.js";

const config = (spec: Record<string, unknown>, name = "default") => ({
  apiVersion: "projectcalico.org/v3",
  kind: "BGPConfiguration",
  metadata: { name },
  spec,
});

const used = { prefixAdvertisements: [{ cidr: "10.0.0.0/16", communities: ["c1"] }] };

const cases: RuleCase[] = [
  {
    rule: "bgpconfig.cel.nodeMeshPassword-mesh",
    accepted: {
      nodeToNodeMeshEnabled: true,
      nodeMeshPassword: { secretKeyRef: { name: "s", key: "k" } },
    },
    rejected: {
      nodeToNodeMeshEnabled: false,
      nodeMeshPassword: { secretKeyRef: { name: "s", key: "k" } },
    },
    path: "spec.nodeMeshPassword",
    message: "nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false; remove",
  },
  {
    rule: "bgpconfig.cel.nodeMeshMaxRestartTime-mesh",
    accepted: { nodeMeshMaxRestartTime: "120s" },
    rejected: { nodeToNodeMeshEnabled: false, nodeMeshMaxRestartTime: "120s" },
    path: "spec.nodeMeshMaxRestartTime",
    message: "nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false",
  },
  {
    rule: "bgpconfig.cel.communities-unused",
    accepted: { communities: [{ name: "c1", value: "64512:100" }], ...used },
    rejected: { communities: [{ name: "c1", value: "64512:100" }] },
    path: "spec.communities",
    message: "communities are defined but not used in prefixAdvertisements",
  },
  {
    rule: "bgpconfig.default-only",
    accepted: { asNumber: 64513, nodeToNodeMeshEnabled: false },
    rejected: { asNumber: 64513 },
    name: "node.node-1",
    path: "spec.asNumber",
    message: 'spec.asNumber can only be set on the BGPConfiguration named "default"',
  },
  {
    rule: "bgpconfig.default-only",
    accepted: { serviceClusterIPs: [{ cidr: "10.96.0.0/12" }] },
    rejected: { serviceClusterIPs: [{ cidr: "10.96.0.0/12" }] },
    name: "node.node-1",
    path: "spec.serviceClusterIPs",
    message: 'can only be set on the BGPConfiguration named "default" (this one is "node.node-1")',
  },
  {
    rule: "crd.format.cidr",
    accepted: { serviceLoadBalancerIPs: [{ cidr: "fd00:96::/112" }] },
    rejected: { serviceLoadBalancerIPs: [{ cidr: "10.0.0.1" }] },
    path: "spec.serviceLoadBalancerIPs[0].cidr",
    message: 'spec.serviceLoadBalancerIPs[0].cidr "10.0.0.1" is not a CIDR (CRD format: cidr)',
  },
  {
    rule: "net.masked",
    accepted: { serviceExternalIPs: [{ cidr: "192.168.0.0/16" }] },
    rejected: { serviceExternalIPs: [{ cidr: "192.168.1.0/16" }] },
    path: "spec.serviceExternalIPs[0].cidr",
    message: "is not strictly masked (host bits are set below the prefix length)",
  },
  {
    rule: "net.parse",
    accepted: { serviceExternalIPs: [{ cidr: "10.1.0.0/16" }] },
    rejected: { serviceExternalIPs: [{ cidr: "010.1.0.0/16" }] },
    path: "spec.serviceExternalIPs[0].cidr",
    message: "is not a CIDR Go can parse (no leading zeros in IPv4 octets)",
  },
  {
    rule: "bgpconfig.community.name",
    accepted: {
      communities: [{ name: "rack.1", value: "1:1" }],
      prefixAdvertisements: [{ cidr: "10.0.0.0/16", communities: ["rack.1"] }],
    },
    rejected: { communities: [{ name: "Rack_1", value: "1:1" }], ...used },
    path: "spec.communities[0].name",
    message: 'spec.communities[0].name "Rack_1" is not a valid Calico name',
  },
  {
    rule: "bgpconfig.community.value",
    accepted: { communities: [{ name: "c1", value: "4294967295:0:1" }], ...used },
    rejected: { communities: [{ name: "c1", value: "65536:1" }], ...used },
    path: "spec.communities[0].value",
    message: "a standard community (aa:nn) needs both parts between 0 and 65535",
  },
  {
    rule: "bgpconfig.community.value",
    accepted: { prefixAdvertisements: [{ cidr: "10.0.0.0/8", communities: ["65535:65535"] }] },
    rejected: { prefixAdvertisements: [{ cidr: "10.0.0.0/8", communities: ["1:4294967296:0"] }] },
    path: "spec.prefixAdvertisements[0].communities[0]",
    message: "a large community (aa:nn:mm) needs every part between 0 and 4294967295",
  },
  {
    rule: "bgpconfig.prefixAdvertisement.community-name",
    accepted: { communities: [{ name: "c1", value: "1:1" }], ...used },
    rejected: { prefixAdvertisements: [{ cidr: "10.0.0.0/8", communities: ["c2"] }] },
    path: "spec.prefixAdvertisements[0].communities[0]",
    message:
      '"c2" is neither a community value (aa:nn or aa:nn:mm) nor the name of one in spec.communities',
  },
  {
    rule: "bgpconfig.prefixAdvertisement.cidr",
    accepted: { prefixAdvertisements: [{ cidr: "fd00::/64", communities: ["1:1"] }] },
    rejected: { prefixAdvertisements: [{ communities: ["1:1"] }] },
    path: "spec.prefixAdvertisements[0].cidr",
    message: "spec.prefixAdvertisements[0].cidr is required",
  },
  {
    rule: "bgpconfig.prefixAdvertisement.communities",
    accepted: { prefixAdvertisements: [{ cidr: "10.0.0.0/8", communities: [] }] },
    rejected: { prefixAdvertisements: [{ cidr: "10.0.0.0/8" }] },
    path: "spec.prefixAdvertisements[0].communities",
    message: "spec.prefixAdvertisements[0].communities is required",
  },
  {
    rule: "bgpconfig.ignoredInterfaces.format",
    accepted: { ignoredInterfaces: ["eth*", "veth.1_a-b"] },
    rejected: { ignoredInterfaces: ["eth0", "*"] },
    path: "spec.ignoredInterfaces[1]",
    message: 'spec.ignoredInterfaces[1] "*" is not a valid interface pattern',
  },
  {
    rule: "crd.list-set.unique",
    accepted: { ignoredInterfaces: ["eth0", "eth1"] },
    rejected: { ignoredInterfaces: ["eth0", "eth0"] },
    path: "spec.ignoredInterfaces[1]",
    message: 'duplicate value "eth0": this list is a set',
  },
  {
    rule: "bgpconfig.localWorkloadPeeringIPV4.ipv4",
    accepted: { localWorkloadPeeringIPV4: "169.254.0.179" },
    rejected: { localWorkloadPeeringIPV4: "fe80::179" },
    path: "spec.localWorkloadPeeringIPV4",
    message: 'spec.localWorkloadPeeringIPV4 "fe80::179" is not an IPv4 address',
  },
  {
    rule: "bgpconfig.localWorkloadPeeringIPV6.ipv6",
    accepted: { localWorkloadPeeringIPV6: "fe80::179" },
    rejected: { localWorkloadPeeringIPV6: "169.254.0.179" },
    path: "spec.localWorkloadPeeringIPV6",
    message: "is not an IPv6 address",
  },
  {
    rule: "duration.format",
    accepted: { nodeMeshMaxRestartTime: "2m" },
    rejected: { nodeMeshMaxRestartTime: "2 minutes" },
    path: "spec.nodeMeshMaxRestartTime",
    message: "is not a Go duration",
  },
  {
    rule: "asnumber.format",
    accepted: { asNumber: "1.10" },
    rejected: { asNumber: "1.1.1" },
    path: "spec.asNumber",
    message: 'spec.asNumber: AS number "1.1.1" has more than one dot',
  },
  {
    rule: "crd.pattern",
    accepted: { logSeverityScreen: "debug" },
    rejected: { logSeverityScreen: "Verbose" },
    path: "spec.logSeverityScreen",
    message: "must be one of Trace, Debug, Info, Warning, Error, Fatal (any case)",
  },
  {
    rule: "crd.pattern",
    accepted: { communities: [{ name: "c1", value: "1:2:3" }], ...used },
    rejected: { communities: [{ name: "c1", value: "1-2" }], ...used },
    path: "spec.communities[0].value",
    message: "must be aa:nn (standard) or aa:nn:mm (large community)",
  },
  {
    rule: "crd.minimum",
    accepted: { listenPort: 1 },
    rejected: { listenPort: 0 },
    path: "spec.listenPort",
    message: "spec.listenPort is 0, below the minimum 1",
  },
  {
    rule: "crd.maximum",
    accepted: { ipv6NormalRoutePriority: 2147483646 },
    rejected: { ipv6NormalRoutePriority: 2147483647 },
    path: "spec.ipv6NormalRoutePriority",
    message: "above the maximum 2147483646",
  },
  {
    rule: "crd.enum",
    accepted: { programClusterRoutes: "EnabledNoEncapOnly" },
    rejected: { programClusterRoutes: "On" },
    path: "spec.programClusterRoutes",
    message: '"Enabled", "Disabled", "EnabledIPIPOnly", "EnabledNoEncapOnly"',
  },
];

describe("validateResource: BGPConfiguration rules", () => {
  itChecksRules(cases, config);

  it("allows per-node fields on node.<name> and warns about the ones confd ignores there", () => {
    const result = validateResource(
      config({ listenPort: 1790, logSeverityScreen: "Debug", bindMode: "NodeIP" }, "node.node-1"),
    );
    expect(result.ok).toBe(true);
    expect(result.ok && result.warnings.map((warning) => [warning.path, warning.rule])).toEqual([
      ["spec.bindMode", "bgpconfig.node.ignored"],
    ]);
  });

  it("warns that a BGPConfiguration with another name is ignored by Calico", () => {
    const result = validateResource(config({}, "mine"));
    expect(result.ok && result.warnings.map((warning) => warning.rule)).toEqual(["bgpconfig.name"]);
  });

  it("reads without adding defaults and keeps unknown fields", () => {
    const raw = config({ nodeToNodeMeshEnabled: false, future: 1 });
    expect(BgpConfigurationSchema.parse(raw)).toEqual(raw);
  });
});
