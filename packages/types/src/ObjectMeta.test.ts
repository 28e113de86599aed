import { describe, expect, it } from "vitest";
import { itChecksRules, type RuleCase } from "../test/RuleCases.js";
import { ObjectMetaInputSchema, ObjectMetaSchema } from "./ObjectMeta.js";
import { validateResource } from "./Validation.js";

const peerWith = (metadata: Record<string, unknown>) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "BGPPeer",
  metadata,
  spec: { peerIP: "10.0.0.1" },
});

const cases: RuleCase[] = [
  {
    rule: "metadata.name.required",
    accepted: { name: "peer-a" },
    rejected: { labels: { a: "b" } },
    path: "metadata.name",
    message: "metadata.name is required",
  },
  {
    rule: "metadata.generateName.unsupported",
    accepted: { name: "peer-a", generateName: "peer-" },
    rejected: { generateName: "peer-" },
    path: "metadata.generateName",
    message: "metadata.generateName is not supported for Calico resources",
  },
  {
    rule: "metadata.name.format",
    accepted: { name: "rack-1.peer-a" },
    rejected: { name: "Peer_A" },
    path: "metadata.name",
    message: 'metadata.name "Peer_A" is not a valid Calico resource name (DNS-1123 subdomain)',
  },
  {
    rule: "metadata.name.format",
    accepted: { name: "a".repeat(253) },
    rejected: { name: "a".repeat(255) },
    path: "metadata.name",
    message: "metadata.name is too long by 2 characters",
  },
  {
    rule: "metadata.labels.key",
    accepted: { name: "p", labels: { "example.com/rack": "r1" } },
    rejected: { name: "p", labels: { "example.com/": "r1" } },
    path: "metadata.labels.example.com/",
    message: 'metadata.labels key "example.com/" is not a valid label key: the name part is empty',
  },
  {
    rule: "metadata.labels.value",
    accepted: { name: "p", labels: { rr: "" } },
    rejected: { name: "p", labels: { rr: "not valid" } },
    path: "metadata.labels.rr",
    message: 'value "not valid" is not a valid label value',
  },
  {
    rule: "metadata.annotations.key",
    accepted: { name: "p", annotations: { "projectcalico.org/metadata": "{}" } },
    rejected: { name: "p", annotations: { "bad key": "x" } },
    path: "metadata.annotations.bad key",
    message: 'metadata.annotations key "bad key" is not a valid annotation key',
  },
  {
    rule: "metadata.annotations.size",
    accepted: { name: "p", annotations: { note: "x".repeat(200_000) } },
    rejected: { name: "p", annotations: { note: "x".repeat(262_144) } },
    path: "metadata.annotations",
    message: "more than the 262144 (256 KiB) allowed",
  },
];

describe("validateResource: metadata rules", () => {
  itChecksRules(cases, peerWith);

  it("warns that a namespace is ignored on cluster-scoped kinds", () => {
    const result = validateResource(peerWith({ name: "p", namespace: "default" }));
    expect(result.ok && result.warnings.map((warning) => warning.rule)).toEqual([
      "metadata.namespace.ignored",
    ]);
  });
});

describe("ObjectMeta schemas", () => {
  it("reading keeps unknown metadata fields; input rejects them", () => {
    const meta = { name: "p", somethingNew: true };
    expect(ObjectMetaSchema.parse(meta)).toEqual(meta);
    expect(ObjectMetaInputSchema.safeParse(meta).success).toBe(false);
  });
});
