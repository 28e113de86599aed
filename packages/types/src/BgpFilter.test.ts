import { describe } from "vitest";
import { itChecksRules, type RuleCase } from "../test/RuleCases.js";

const filter = (spec: Record<string, unknown>) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "BGPFilter",
  metadata: { name: "no-private" },
  spec,
});

const cases: RuleCase[] = [
  {
    rule: "bgpfilter.cel.cidr-matchOperator",
    accepted: { exportV4: [{ action: "Reject", cidr: "10.0.0.0/8", matchOperator: "In" }] },
    rejected: { exportV4: [{ action: "Reject", cidr: "10.0.0.0/8" }] },
    path: "spec.exportV4[0].matchOperator",
    message: "cidr and matchOperator must both be set or both be empty; add matchOperator",
  },
  {
    rule: "bgpfilter.cel.prefixLength-cidr",
    accepted: {
      importV6: [
        {
          action: "Accept",
          cidr: "fd00::/8",
          matchOperator: "In",
          prefixLength: { min: 48, max: 64 },
        },
      ],
    },
    rejected: { importV6: [{ action: "Accept", prefixLength: { min: 48 } }] },
    path: "spec.importV6[0].prefixLength",
    message: "cidr is required when prefixLength is set",
  },
  {
    rule: "bgpfilter.cel.operations-accept",
    accepted: { exportV4: [{ action: "Accept", operations: [{ setPriority: { value: 512 } }] }] },
    rejected: { exportV4: [{ action: "Reject", operations: [{ setPriority: { value: 512 } }] }] },
    path: "spec.exportV4[0].operations",
    message: "operations may only be used with action Accept",
  },
  {
    rule: "bgpfilter.operation.one-of",
    accepted: {
      exportV4: [{ action: "Accept", operations: [{ addCommunity: { value: "65000:100" } }] }],
    },
    rejected: {
      exportV4: [
        {
          action: "Accept",
          operations: [
            { addCommunity: { value: "65000:100" }, prependASPath: { prefix: [65000] } },
          ],
        },
      ],
    },
    path: "spec.exportV4[0].operations[0]",
    message: "must set exactly one of addCommunity, prependASPath or setPriority (it sets 2)",
  },
  {
    rule: "bgpfilter.cidr.family",
    accepted: { exportV6: [{ action: "Reject", cidr: "fd00::/8", matchOperator: "Equal" }] },
    rejected: { exportV6: [{ action: "Reject", cidr: "10.0.0.0/8", matchOperator: "Equal" }] },
    path: "spec.exportV6[0].cidr",
    message: "is an IPv4 CIDR in an IPv6 rule list; move the rule to the exportV4/importV4 list",
  },
  {
    rule: "bgpfilter.cidr.family",
    accepted: { importV4: [{ action: "Reject", cidr: "10.0.0.0/8", matchOperator: "In" }] },
    rejected: {
      importV6: [{ action: "Reject", cidr: "::ffff:10.0.0.0/104", matchOperator: "In" }],
    },
    path: "spec.importV6[0].cidr",
    message: "is an IPv4 CIDR (IPv4-mapped IPv6) in an IPv6 rule list",
  },
  {
    rule: "bgpfilter.interface.pattern",
    accepted: { exportV4: [{ action: "Reject", interface: "eth*" }] },
    rejected: { exportV4: [{ action: "Reject", interface: 'eth0"; }' }] },
    path: "spec.exportV4[0].interface",
    message: "must be 1-15 of letters, digits and _ . * -",
  },
  {
    rule: "bgpfilter.asnumber.unsigned",
    accepted: { importV4: [{ action: "Reject", asPathPrefix: [65000, 0] }] },
    rejected: { importV4: [{ action: "Reject", asPathPrefix: [65000, -1] }] },
    path: "spec.importV4[0].asPathPrefix[1]",
    message: "AS numbers are unsigned",
  },
  {
    rule: "bgpfilter.asnumber.unsigned",
    accepted: {
      exportV6: [{ action: "Accept", operations: [{ prependASPath: { prefix: [65000] } }] }],
    },
    rejected: {
      exportV6: [{ action: "Accept", operations: [{ prependASPath: { prefix: [-7] } }] }],
    },
    path: "spec.exportV6[0].operations[0].prependASPath.prefix[0]",
    message: "is -7: AS numbers are unsigned",
  },
  {
    rule: "net.masked",
    accepted: { importV4: [{ action: "Reject", cidr: "192.168.0.0/16", matchOperator: "NotIn" }] },
    rejected: { importV4: [{ action: "Reject", cidr: "192.168.1.0/16", matchOperator: "NotIn" }] },
    path: "spec.importV4[0].cidr",
    message: "is not strictly masked",
  },
  {
    rule: "crd.pattern",
    accepted: { importV4: [{ action: "Accept", communities: { values: ["4294967295:1:2"] } }] },
    rejected: { importV4: [{ action: "Accept", communities: { values: ["65536:1"] } }] },
    path: "spec.importV4[0].communities.values[0]",
    message: "must be aa:nn with parts 0-65535 (standard) or aa:nn:mm",
  },
  {
    rule: "crd.maxItems",
    accepted: { importV4: [{ action: "Accept", communities: { values: ["1:1"] } }] },
    rejected: { importV4: [{ action: "Accept", communities: { values: ["1:1", "2:2"] } }] },
    path: "spec.importV4[0].communities.values",
    message: "has 2 items, more than the 1 allowed",
  },
  {
    rule: "crd.maximum",
    accepted: {
      importV4: [
        { action: "Accept", cidr: "10.0.0.0/8", matchOperator: "In", prefixLength: { max: 32 } },
      ],
    },
    rejected: {
      importV4: [
        { action: "Accept", cidr: "10.0.0.0/8", matchOperator: "In", prefixLength: { max: 33 } },
      ],
    },
    path: "spec.importV4[0].prefixLength.max",
    message: "above the maximum 32",
  },
  {
    rule: "crd.required",
    accepted: { importV4: [{ action: "Accept" }] },
    rejected: { importV4: [{ cidr: "10.0.0.0/8", matchOperator: "In" }] },
    path: "spec.importV4[0].action",
    message: "spec.importV4[0].action is required",
  },
];

describe("validateResource: BGPFilter rules", () => {
  itChecksRules(cases, filter);
});
