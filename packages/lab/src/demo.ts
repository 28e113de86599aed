#!/usr/bin/env node
import { runDocumentedProcedure } from "./DocumentedProcedure.js";
// `make demo`: a local lab with real BIRD, and Calico's documented mesh -> route-reflector
// procedure run against it as its kubectl commands, with live progress, the route probe
// watching every path.
import { birdRouteReplaceMs, Lab, type LabNodeStatus } from "./Lab.js";
import { LabError } from "./LabError.js";
import type { ProcedureEvent } from "./ProcedureOptions.js";

const nodeCount = Number(process.env.DEMO_NODES ?? 6);
const clusterId = "244.0.0.1";
const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
const say = (line: string) => console.log(`${clock()}  ${line}`);

/** One reflector per zone (as many as calicokit's part of the demo uses): a zone outage leaves two. */
function chooseReflectors(nodes: readonly LabNodeStatus[]): string[] {
  const byZone = new Map<string, string>();
  for (const node of nodes) if (!byZone.has(node.zone)) byZone.set(node.zone, node.name);
  return [...byZone.values()];
}

async function sessionTable(lab: Lab): Promise<string> {
  const rows = await Promise.all(
    lab.status().nodes.map(async (node) => {
      const sessions = await lab.bgpSessions(node.name);
      const count = (kind: string) =>
        `${sessions.filter((s) => s.kind === kind && s.established).length}/${sessions.filter((s) => s.kind === kind).length}`;
      const role = node.routeReflectorClusterID ? "reflector" : "client";
      return `    ${node.name.padEnd(8)} ${node.zone.padEnd(7)} ${node.ipv4.padEnd(12)} ${role.padEnd(10)} mesh ${count("Mesh").padEnd(6)} peers ${count("Node")}`;
    }),
  );
  return [
    "    node     zone    address      role       Established/configured sessions",
    ...rows,
  ].join("\n");
}

const lab = await (async () => {
  say(
    `bringing up a ${nodeCount}-node lab in 3 zones: kube-apiserver + etcd, one BIRD per node in its own network namespace`,
  );
  try {
    return await Lab.up({
      name: "demo",
      nodes: nodeCount,
      zones: 3,
      asNumber: 64512,
      calicoApi: "v3",
    });
  } catch (error) {
    console.error(error instanceof LabError ? error.message : error);
    process.exit(1);
  }
})();
let stopping = false;
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  say("tearing the lab down");
  await lab.down();
  say("done: no namespace, link or process left");
  process.exit(code);
};
process.once("SIGINT", () => void stop(130));

try {
  const nodes = lab.status().nodes;
  const meshSessions = nodes.length * (nodes.length - 1);
  for (;;) {
    const up = (await Promise.all(nodes.map((n) => lab.bgpSessions(n.name))))
      .flat()
      .filter((s) => s.established).length;
    say(`full mesh: ${up}/${meshSessions} session ends Established`);
    if (up === meshSessions) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.log(await sessionTable(lab));

  const routeReflectors = chooseReflectors(nodes);
  say(
    `plan: route reflectors ${routeReflectors.join(", ")} (one per zone), cluster ID ${clusterId}`,
  );
  await lab.sampleRoutes();
  const migrationStart = new Date();
  await runDocumentedProcedure(
    lab,
    { routeReflectors, clusterId },
    {
      // the documented commands, as an operator's script runs them
      kubectl: { kubeconfigPath: lab.status().kubeconfig },
      onEvent: (event: ProcedureEvent) => {
        if (event.kind === "step") say(`step ${event.step}: ${event.title}`);
        else if (event.kind === "progress") say(`        ${event.detail}`);
        else say(`step ${event.step} done in ${event.ms} ms`);
      },
    },
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await lab.sampleRoutes();
  console.log(await sessionTable(lab));

  const gaps = lab.routeGaps({ since: migrationStart, atLeastMs: birdRouteReplaceMs });
  const reflectors = new Set(routeReflectors);
  const clientGaps = gaps.filter((g) => !reflectors.has(g.node) && !reflectors.has(g.owner));
  const rrGaps = gaps.filter((g) => reflectors.has(g.node) || reflectors.has(g.owner));
  const longest = Math.max(0, ...rrGaps.map((g) => g.durationMs ?? 0));
  say(
    `route probe: ${clientGaps.length} gaps between client nodes; ${rrGaps.length} gaps involving the reflectors, longest ${longest} ms`,
  );
  say(
    "        (in the documented order a node leaves the mesh the moment it gets its cluster ID, before its new sessions are up)",
  );
  const rrCount = routeReflectors.length;
  const rrSessions = (nodes.length - rrCount) * rrCount + (rrCount * (rrCount - 1)) / 2;
  say(`BGP sessions: ${meshSessions / 2} in the full mesh -> ${rrSessions} with route reflectors`);
  await stop(clientGaps.length === 0 ? 0 : 1);
} catch (error) {
  console.error(error instanceof LabError ? error.message : error);
  await stop(1);
}
