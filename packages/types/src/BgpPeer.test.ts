import { describe, expect, it } from "vitest";
import { itChecksRules, type RuleCase } from "../test/RuleCases.js";
import { BgpPeerInputSchema, BgpPeerSchema } from "./BgpPeer.js";
import { validateResource } from "./Validation.js";

const peer = (spec: Record<string, unknown>, name = "peer-a") => ({
  apiVersion: "projectcalico.org/v3",
  kind: "BGPPeer",
  metadata: { name },
  spec,
});

// One accepted and one rejected spec per rule; the message must name the field, rule and fix.
const cases: RuleCase[] = [
  // CEL rules of the CRD, with the CRD's own message text.
  {
    rule: "bgppeer.cel.node-nodeSelector",
    accepted: { node: "node-1", peerIP: "10.0.0.1" },
    rejected: { node: "node-1", nodeSelector: "has(a)" },
    path: "spec.nodeSelector",
    message: "node and nodeSelector cannot both be set; keep spec.node",
  },
  {
    rule: "bgppeer.cel.peerIP-peerSelector",
    accepted: { nodeSelector: "has(mylabel)", peerSelector: "has(mylabel)" },
    rejected: { peerIP: "10.0.0.1", peerSelector: "has(a)" },
    path: "spec.peerSelector",
    message: "peerIP and peerSelector cannot both be set",
  },
  {
    rule: "bgppeer.cel.asNumber-peerSelector",
    accepted: { peerSelector: "has(a)", asNumber: 0 },
    rejected: { peerSelector: "has(a)", asNumber: 64512 },
    path: "spec.asNumber",
    message: "asNumber must be empty when peerSelector is set; remove spec.asNumber",
  },
  {
    rule: "bgppeer.cel.peerIP-localWorkloadSelector",
    accepted: { localWorkloadSelector: "all()", asNumber: 64512 },
    rejected: { localWorkloadSelector: "all()", asNumber: 64512, peerIP: "10.0.0.1" },
    path: "spec.peerIP",
    message: "peerIP must be empty when localWorkloadSelector is set",
  },
  {
    rule: "bgppeer.cel.peerSelector-localWorkloadSelector",
    accepted: { localWorkloadSelector: "app == 'x'", asNumber: 64512 },
    rejected: { localWorkloadSelector: "all()", asNumber: 64512, peerSelector: "has(a)" },
    path: "spec.peerSelector",
    message: "peerSelector must be empty when localWorkloadSelector is set",
  },
  {
    rule: "bgppeer.cel.asNumber-localWorkloadSelector",
    accepted: { localWorkloadSelector: "all()", asNumber: 64512 },
    rejected: { localWorkloadSelector: "all()", asNumber: 0 },
    path: "spec.asNumber",
    message: "asNumber is required when localWorkloadSelector is set; set spec.asNumber",
  },
  {
    rule: "bgppeer.cel.reachableBy-peerIP",
    accepted: { peerIP: "10.0.0.1", asNumber: 64512, reachableBy: "10.0.0.254" },
    rejected: { reachableBy: "10.0.0.254" },
    path: "spec.reachableBy",
    message: "reachableBy must be empty when peerIP is empty",
  },
  {
    rule: "bgppeer.cel.keepOriginalNextHop-nextHopMode",
    accepted: { keepOriginalNextHop: false, nextHopMode: "Keep" },
    rejected: { keepOriginalNextHop: true, nextHopMode: "Self" },
    path: "spec.keepOriginalNextHop",
    message:
      "keepOriginalNextHop and nextHopMode cannot both be set; keepOriginalNextHop is deprecated, use nextHopMode instead",
  },
  // libcalico-go checks the API server does not make.
  {
    rule: "bgppeer.peerIP.format",
    accepted: { peerIP: "[9000::]:500" },
    rejected: { peerIP: "192.168.0.0:65536" },
    path: "spec.peerIP",
    message:
      'spec.peerIP "192.168.0.0:65536" is not a valid peer address: the port must be at most 65535',
  },
  {
    rule: "bgppeer.reachableBy.format",
    accepted: { peerIP: "fd00::1", reachableBy: "fd00::fe" },
    rejected: { peerIP: "10.0.0.1", reachableBy: "10.0.0.254:80" },
    path: "spec.reachableBy",
    message: "is not an IP address; write the gateway's address without a port",
  },
  {
    rule: "bgppeer.reachableBy.family",
    accepted: { peerIP: "10.0.0.1:179", reachableBy: "10.0.0.254" },
    rejected: { peerIP: "10.0.0.1", reachableBy: "fd00::fe" },
    path: "spec.reachableBy",
    message: "spec.reachableBy is an IPv6 address but spec.peerIP is IPv4",
  },
  {
    rule: "selector.syntax",
    accepted: { nodeSelector: "kubernetes.io/hostname == 'casey-crc-kadm-node-4'" },
    rejected: { nodeSelector: "kubernetes.io/hostname: == 'casey-crc-kadm-node-4'" },
    path: "spec.nodeSelector",
    message: "spec.nodeSelector is not a valid selector: Invalid selector",
  },
  {
    rule: "selector.syntax",
    accepted: { peerSelector: "has(projectcalico.org/RouteReflectorClusterID)" },
    rejected: { peerSelector: "zone == a" },
    path: "spec.peerSelector",
    message: "spec.peerSelector is not a valid selector",
  },
  {
    rule: "selector.syntax",
    accepted: { localWorkloadSelector: "app in {'a', 'b'}", asNumber: 65001 },
    rejected: { localWorkloadSelector: "app in ", asNumber: 65001 },
    path: "spec.localWorkloadSelector",
    message: "spec.localWorkloadSelector is not a valid selector",
  },
  {
    rule: "bgppeer.node.name",
    accepted: { node: "node-1.example.com" },
    rejected: { node: "Node_1" },
    path: "spec.node",
    message:
      'spec.node "Node_1" is not a valid Calico name (DNS-1123 subdomain); use lower-case letters',
  },
  {
    rule: "bgppeer.filters.name",
    accepted: { filters: ["no-private", "b.c"] },
    rejected: { filters: ["ok", "Bad_F"] },
    path: "spec.filters[1]",
    message: 'spec.filters[1] "Bad_F" is not a valid Calico name',
  },
  {
    rule: "bgppeer.ttlSecurity.uint8",
    accepted: { ttlSecurity: 255 },
    rejected: { ttlSecurity: 256 },
    path: "spec.ttlSecurity",
    message: "Calico stores it as uint8 (0-255)",
  },
  {
    rule: "duration.format",
    accepted: { maxRestartTime: "1h30m" },
    rejected: { maxRestartTime: "90" },
    path: "spec.maxRestartTime",
    message:
      'spec.maxRestartTime "90" is not a Go duration, so Calico cannot decode it; write a Go duration such as "90s"',
  },
  {
    rule: "duration.format",
    accepted: { keepaliveTime: "20s" },
    rejected: { keepaliveTime: "1d" },
    path: "spec.keepaliveTime",
    message: "is not a Go duration",
  },
  {
    rule: "asnumber.format",
    accepted: { peerIP: "10.0.0.1", asNumber: "4294.566" },
    rejected: { peerIP: "10.0.0.1", asNumber: "65536.1" },
    path: "spec.asNumber",
    message: "spec.asNumber: asdot AS number",
  },
  {
    rule: "asnumber.format",
    accepted: { localASNumber: 65000 },
    rejected: { localASNumber: -1 },
    path: "spec.localASNumber",
    message: "spec.localASNumber: AS number -1 is negative",
  },
  {
    rule: "asnumber.int32",
    accepted: { asNumber: 2147483647 },
    rejected: { asNumber: 4200000000 },
    path: "spec.asNumber",
    message: "spec.asNumber: AS number 4200000000 is above 2147483647",
  },
  // CRD schema.
  {
    rule: "crd.enum",
    accepted: { nextHopMode: "Auto" },
    rejected: { nextHopMode: "self" },
    path: "spec.nextHopMode",
    message: 'spec.nextHopMode is "self", which is not allowed; use one of "Auto", "Self", "Keep"',
  },
  {
    rule: "crd.maxLength",
    accepted: { peerSelector: `has(${"a".repeat(500)})` },
    rejected: { nodeSelector: `a == '${"x".repeat(1020)}'` },
    path: "spec.nodeSelector",
    message: "spec.nodeSelector is 1027 characters long, more than the 1024 allowed; shorten it",
  },
  {
    rule: "crd.type",
    accepted: { numAllowedLocalASNumbers: 3 },
    rejected: { numAllowedLocalASNumbers: "3" },
    path: "spec.numAllowedLocalASNumbers",
    message: 'spec.numAllowedLocalASNumbers must be a number, not the string "3"',
  },
  {
    rule: "crd.maximum",
    accepted: { numAllowedLocalASNumbers: 2147483647 },
    rejected: { numAllowedLocalASNumbers: 2147483648 },
    path: "spec.numAllowedLocalASNumbers",
    message: "above the maximum 2147483647",
  },
  {
    rule: "crd.required",
    accepted: { password: { secretKeyRef: { name: "bgp", key: "pw" } } },
    rejected: { password: { secretKeyRef: { name: "bgp" } } },
    path: "spec.password.secretKeyRef.key",
    message: "spec.password.secretKeyRef.key is required",
  },
  {
    rule: "calicokit.unknown-field",
    accepted: { peerIP: "10.0.0.1" },
    rejected: { peerIp: "10.0.0.1" },
    path: "spec.peerIp",
    message: 'spec.peerIp is not a field Calico knows; did you mean "peerIP"?',
  },
];

describe("validateResource: BGPPeer rules", () => {
  itChecksRules(cases, peer);

  it("accepts every peerIP form Calico accepts and rejects the others (validator_test vectors)", () => {
    for (const ip of [
      "192.168.1.1:500",
      "[9000::]:500",
      "1.2.3.4",
      "9.9.9.9:4444",
      "[aabb::ffff]:4444",
      "aabb:aabb::ffff",
    ]) {
      expect(validateResource(peer({ peerIP: ip })).ok, ip).toBe(true);
    }
    for (const ip of [
      "[192.168.0.0]:98956",
      "192.168.0.0:65536",
      "192.168.0.0:0",
      "192.168.0.330:170",
      "[9000::]:98956",
      "192.168.0.0:",
      "[9000::]:",
      "[9000::]:65536",
      "[9000::]:0",
      "[9000::FFFFF]:170",
      ":8552",
      "[]:8552",
      "999.999.999.999",
      "xyz:::",
    ]) {
      const result = validateResource(peer({ peerIP: ip }));
      expect(result.ok ? [] : result.issues.map((issue) => issue.rule), ip).toEqual([
        "bgppeer.peerIP.format",
      ]);
    }
  });

  it("refuses a written port of 0 with one issue and no family check against that peerIP", () => {
    const result = validateResource(peer({ peerIP: "10.0.0.1:0", reachableBy: "fd00::fe" }));
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((issue) => [issue.rule, issue.message.split(";")[0]])).toEqual([
      [
        "bgppeer.peerIP.format",
        'spec.peerIP "10.0.0.1:0" is not a valid peer address: the port must be at least 1',
      ],
    ]);
  });

  it("normalises AS numbers to plain integers and keeps a uint32 warning when asked", () => {
    const result = validateResource(
      peer({ peerIP: "10.0.0.1", asNumber: "1.10", localASNumber: "64512" }),
    );
    expect(result.ok && result.value.spec).toEqual({
      peerIP: "10.0.0.1",
      asNumber: 65546,
      localASNumber: 64512,
    });
    const wide = validateResource(peer({ peerIP: "10.0.0.1", asNumber: "65535.65535" }), {
      asNumberRange: "uint32",
    });
    expect(wide.ok).toBe(true);
    expect(wide.ok && wide.value.spec).toEqual({ peerIP: "10.0.0.1", asNumber: 4294967295 });
    expect(wide.ok && wide.warnings.map((warning) => [warning.path, warning.rule])).toEqual([
      ["spec.asNumber", "asnumber.int32"],
    ]);
  });

  it("warns about the deprecated keepOriginalNextHop and an empty secret name", () => {
    const result = validateResource(
      peer({ keepOriginalNextHop: true, password: { secretKeyRef: { key: "k" } } }),
    );
    expect(result.ok && result.warnings.map((warning) => warning.path)).toEqual([
      "spec.keepOriginalNextHop",
      "spec.password.secretKeyRef.name",
    ]);
  });
});

describe("BgpPeer schemas", () => {
  const raw = peer({ peerIP: "10.0.0.1", futureField: { a: 1 } });

  it("reading keeps unknown fields (read-modify-write loses nothing) and adds no defaults", () => {
    expect(BgpPeerSchema.parse(raw)).toEqual(raw);
  });

  it("user input rejects unknown fields", () => {
    expect(BgpPeerInputSchema.safeParse(raw).success).toBe(false);
  });
});
