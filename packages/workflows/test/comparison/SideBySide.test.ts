import { describe, expect, test } from "vitest";
import { podAffecting } from "../support/MigrationLab.js";
import {
  type ComparisonRow,
  comparisonTable,
  podNodes,
  runDocumentedSide,
  runWorkflowSide,
} from "./SideBySide.js";

// Issue 10, acceptance bullet 1: on the same 6-node, 3-zone lab with pods on node-1..3, the
// workflow (rrCount 3) against Calico's documented order with the same reflectors.
describe("side by side: the documented procedure and the workflow (real BIRD)", () => {
  test("the workflow has no pod-affecting or client-client gap; same reflectors; six topology writes to the commands' nine", async () => {
    const tag = process.pid % 1000;
    const documented: ComparisonRow = await runDocumentedSide(`cmp-doc-${tag}`);
    const workflow: ComparisonRow = await runWorkflowSide(`cmp-wf-${tag}`);
    console.log(comparisonTable([documented, workflow]));

    // both ran with the planner's choice: workload-free nodes, one per zone
    expect(workflow.routeReflectors).toEqual(documented.routeReflectors);
    expect(workflow.routeReflectors.some((rr) => podNodes.has(rr))).toBe(false);

    // every gap of the workflow touches a reflector's node or block (no client-client gap), none
    // is at a node with pods, and every one closed again; a failure lists the gaps themselves
    const rrs = new Set(workflow.routeReflectors);
    expect(workflow.gaps.filter((g) => !rrs.has(g.node) && !rrs.has(g.owner))).toEqual([]);
    expect(podAffecting(workflow.gaps, podNodes)).toEqual([]);
    expect(workflow.gaps.filter((g) => g.end === undefined)).toEqual([]);
    // the documented order makes each reflector leave the mesh before its sessions exist
    expect(documented.reflectorGaps).toBeGreaterThan(0);
    // Its client-client gaps are in the table, not asserted: one run in about a hundred had one.
    // Likely cause: its step 3 reads each client's side of each session once, and a connection
    // collision can close a session its client already reports Established (docs/migrations.md,
    // "Side by side"). The workflow waits for both ends of every session; the lines above hold it.
    // The longest gaps are compared in bench/migration-side-by-side.bench.ts, not asserted: a
    // duration, and one that BGP connection collisions (both ends of a new session connecting
    // at once, 2 s per retry) stretch at random: docs/migrations.md, "Side by side", has the
    // runs (the workflow's was shorter in each) and a timeline.
    // the topology change itself: 3 Node patches, 2 BGPPeers, the mesh switch
    expect(workflow.topologyWrites).toBe(6);
    // the documented commands: cluster ID and label per reflector, one apply (2 BGPPeers), the mesh
    expect(documented.topologyWrites).toBe(9);
  }, 900_000);
});
