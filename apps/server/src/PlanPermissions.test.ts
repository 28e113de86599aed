import type { MigrationPlan } from "@calicokit/workflows";
import { describe, expect, it } from "vitest";
import { planPermissions } from "./PlanPermissions.js";

const change = (kind: string, name: string, action: "create" | "patch" | "delete") => ({
  step: "create-peers",
  kind,
  name,
  action,
  resourceVersion: null,
  before: null,
  after: null,
  why: "test",
});

describe("planPermissions", () => {
  it("asks for each write and its compensation; create on the collection; one entry per permission", () => {
    const plan = {
      changes: [
        change("BGPPeer", "rr-to-rr-peer", "create"),
        change("BGPPeer", "node-peer-to-rr", "create"),
        change("Node", "node-4", "patch"),
        change("BGPConfiguration", "default", "patch"),
        change("BGPPeer", "old-peer", "delete"),
      ],
    } as unknown as MigrationPlan;
    expect(planPermissions(plan, "projectcalico.org")).toEqual([
      { verb: "create", group: "projectcalico.org", resource: "bgppeers" },
      { verb: "delete", group: "projectcalico.org", resource: "bgppeers", name: "rr-to-rr-peer" },
      { verb: "delete", group: "projectcalico.org", resource: "bgppeers", name: "node-peer-to-rr" },
      { verb: "patch", group: "", resource: "nodes", name: "node-4" },
      { verb: "patch", group: "projectcalico.org", resource: "bgpconfigurations", name: "default" },
      { verb: "delete", group: "projectcalico.org", resource: "bgppeers", name: "old-peer" },
    ]);
  });

  it("authorises a pod eviction as create on pods/eviction in the pod's namespace", () => {
    const plan = { changes: [change("Pod", "web/app-1", "delete")] } as unknown as MigrationPlan;
    expect(planPermissions(plan, "projectcalico.org")).toEqual([
      {
        verb: "create",
        group: "",
        resource: "pods",
        subresource: "eviction",
        name: "app-1",
        namespace: "web",
      },
    ]);
  });

  it("refuses a plan that writes a kind it cannot authorise", () => {
    const plan = { changes: [change("Secret", "x", "create")] } as unknown as MigrationPlan;
    expect(() => planPermissions(plan, "projectcalico.org")).toThrow(/cannot authorise/);
  });
});
