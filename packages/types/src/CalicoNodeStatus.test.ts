import { describe, expect, it } from "vitest";
import { itChecksRules, type RuleCase } from "../test/RuleCases.js";
import { CalicoNodeStatusSchema } from "./CalicoNodeStatus.js";
import { validateResource } from "./Validation.js";

const nodeStatus = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "CalicoNodeStatus",
  metadata: { name: "node-1" },
  spec,
  ...extra,
});

const valid = { node: "node-1", classes: ["BGP"], updatePeriodSeconds: 10 };

const cases: RuleCase[] = [
  {
    rule: "caliconodestatus.node.required",
    accepted: valid,
    rejected: { classes: ["BGP"], updatePeriodSeconds: 10 },
    path: "spec.node",
    message: "spec.node is required; set it to the name of the node",
  },
  {
    rule: "caliconodestatus.node.name",
    accepted: { ...valid, node: "ip-10-0-0-1.ec2.internal" },
    rejected: { ...valid, node: "Node_1" },
    path: "spec.node",
    message: 'spec.node "Node_1" is not a valid Calico name',
  },
  {
    rule: "caliconodestatus.classes.required",
    accepted: { ...valid, classes: ["Agent", "BGP", "Routes"] },
    rejected: { node: "node-1", updatePeriodSeconds: 10 },
    path: "spec.classes",
    message: "spec.classes is required",
  },
  {
    rule: "crd.list-set.unique",
    accepted: { ...valid, classes: ["BGP", "Routes"] },
    rejected: { ...valid, classes: ["BGP", "BGP"] },
    path: "spec.classes[1]",
    message: 'duplicate value "BGP"',
  },
  {
    rule: "caliconodestatus.updatePeriodSeconds.required",
    accepted: { ...valid, updatePeriodSeconds: 0 },
    rejected: { node: "node-1", classes: ["BGP"] },
    path: "spec.updatePeriodSeconds",
    message: "spec.updatePeriodSeconds is required (calico-node ignores the resource without it)",
  },
  {
    rule: "caliconodestatus.updatePeriodSeconds.range",
    accepted: { ...valid, updatePeriodSeconds: 86400 },
    rejected: { ...valid, updatePeriodSeconds: 86401 },
    path: "spec.updatePeriodSeconds",
    message: "use a value from 0 (report once) to 86400 seconds",
  },
  {
    rule: "crd.enum",
    accepted: valid,
    rejected: { ...valid, classes: ["bgp"] },
    path: "spec.classes[0]",
    message: 'use one of "Agent", "BGP", "Routes"',
  },
];

describe("validateResource: CalicoNodeStatus rules", () => {
  itChecksRules(cases, (spec) => nodeStatus(spec));

  it("warns that status is dropped on create and that empty classes report nothing", () => {
    const result = validateResource(
      nodeStatus({ ...valid, classes: [] }, { status: { lastUpdated: null } }),
    );
    expect(result.ok && result.warnings.map((warning) => warning.rule)).toEqual([
      "caliconodestatus.classes.empty",
      "caliconodestatus.status.ignored",
    ]);
  });

  it("reads the status calico-node writes, JSON names as in the CRD", () => {
    const read = CalicoNodeStatusSchema.parse(
      nodeStatus(valid, {
        status: {
          lastUpdated: "2026-11-22T10:00:00Z",
          agent: { birdV4: { state: "Ready", version: "v0.3.3", routerID: "10.0.0.1" } },
          bgp: {
            numberEstablishedV4: 1,
            numberEstablishedV6: 0,
            numberNotEstablishedV4: 0,
            numberNotEstablishedV6: 0,
            peersV4: [
              { peerIP: "10.0.0.2", type: "NodeMesh", state: "Established", since: "09:13:05" },
            ],
          },
          routes: {
            routesV4: [
              {
                type: "FIB",
                destination: "10.244.1.0/26",
                learnedFrom: { sourceType: "NodeMesh", peerIP: "10.0.0.2" },
              },
            ],
          },
        },
      }),
    );
    expect(read.status?.bgp?.peersV4?.[0]?.state).toBe("Established");
  });
});
