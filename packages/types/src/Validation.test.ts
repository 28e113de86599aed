import { describe, expect, it } from "vitest";
import { validateResource } from "./Validation.js";

describe("validateResource: dispatch", () => {
  it("accepts both Calico API versions for the same kind", () => {
    for (const apiVersion of ["projectcalico.org/v3", "crd.projectcalico.org/v1"]) {
      const result = validateResource({
        apiVersion,
        kind: "BGPPeer",
        metadata: { name: "p" },
        spec: {},
      });
      expect(result.ok, apiVersion).toBe(true);
    }
  });

  it("rejects what is not an object, an unknown apiVersion and an unknown kind", () => {
    expect(validateResource("BGPPeer")).toMatchObject({
      ok: false,
      issues: [{ path: "(object)", rule: "calicokit.object" }],
    });
    const wrongVersion = validateResource({ apiVersion: "projectcalico.org/v1", kind: "BGPPeer" });
    expect(wrongVersion.ok ? undefined : wrongVersion.issues[0]).toMatchObject({
      path: "apiVersion",
      message: expect.stringContaining('use "projectcalico.org/v3"'),
    });
    const wrongKind = validateResource({
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkPolicy",
    });
    expect(wrongKind.ok ? undefined : wrongKind.issues[0]).toMatchObject({
      path: "kind",
      message: expect.stringContaining("use one of BGPPeer, BGPConfiguration"),
    });
  });

  it("requires spec and metadata", () => {
    const result = validateResource({ apiVersion: "projectcalico.org/v3", kind: "IPPool" });
    expect(result.ok ? [] : result.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ["metadata", "crd.required"],
      ["spec", "crd.required"],
    ]);
  });

  it("validates BlockAffinity in each group's own form", () => {
    const base = { kind: "BlockAffinity", metadata: { name: "node-1-10-244-1-0-26" } };
    const v3 = validateResource({
      ...base,
      apiVersion: "projectcalico.org/v3",
      spec: { cidr: "10.244.1.0/26", node: "node-1", state: "confirmed", deleted: false },
    });
    expect(v3.ok && v3.warnings.map((warning) => warning.rule)).toEqual(["blockaffinity.managed"]);
    const v1 = validateResource({
      ...base,
      apiVersion: "crd.projectcalico.org/v1",
      spec: { cidr: "10.244.1.0/26", node: "node-1", state: "confirmed", deleted: "false" },
    });
    expect(v1.ok).toBe(true);
    const badCidr = validateResource({
      ...base,
      apiVersion: "projectcalico.org/v3",
      spec: { cidr: "10.244.1.0", node: "node-1", state: "confirmed" },
    });
    expect(badCidr.ok ? [] : badCidr.issues.map((issue) => [issue.path, issue.rule])).toEqual([
      ["spec.cidr", "crd.format.cidr"],
    ]);
  });

  it("warns that ClusterInformation is maintained by Calico and only 'default' is read", () => {
    const accepted = validateResource({
      apiVersion: "projectcalico.org/v3",
      kind: "ClusterInformation",
      metadata: { name: "default" },
      spec: { calicoVersion: "v3.31.0", datastoreReady: true },
    });
    expect(accepted.ok && accepted.warnings.map((warning) => warning.rule)).toEqual([
      "clusterinformation.managed",
    ]);
    const other = validateResource({
      apiVersion: "projectcalico.org/v3",
      kind: "ClusterInformation",
      metadata: { name: "mine" },
      spec: {},
    });
    expect(other.ok && other.warnings.map((warning) => warning.rule)).toEqual([
      "clusterinformation.name",
      "clusterinformation.managed",
    ]);
  });

  it("tags every issue with a stable rule id and its source", () => {
    const result = validateResource({
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "p" },
      spec: { peerIP: "10.0.0.1", peerSelector: "has(a", reachableBy: "fd00::1" },
    });
    expect(result.ok ? [] : result.issues.map((issue) => [issue.rule, issue.source])).toEqual([
      ["bgppeer.cel.peerIP-peerSelector", "crd-cel"],
      ["selector.syntax", "libcalico-go"],
      ["bgppeer.reachableBy.family", "libcalico-go"],
    ]);
  });

  it("does not modify its input", () => {
    const input = {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name: "p" },
      spec: { peerIP: "10.0.0.1", asNumber: "1.10" },
    };
    const copy = structuredClone(input);
    validateResource(input);
    expect(input).toEqual(copy);
  });
});
