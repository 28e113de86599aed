import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { calicoPath } from "../src/internal/LabObjects.js";
import { birdRouteReplaceMs, Lab } from "../src/Lab.js";
import { birdc, birdcBgp, established, kernelRoutes, waitFor } from "./support/birdc.js";

describe.each(["v3", "v1"] as const)("4-node mesh lab (%s API)", (calicoApi) => {
  let lab: Lab;
  let upAt: Date;
  const name = `mesh-${calicoApi}-${process.pid % 1000}`;

  beforeAll(async () => {
    lab = await Lab.up({ name, nodes: 4, zones: 2, asNumber: 64512, calicoApi });
    upAt = new Date();
  });

  afterAll(async () => {
    await lab?.down();
  });

  test("every node has 3 Mesh_ sessions Established within 20 s and routes to the other blocks", async () => {
    const nodes = lab.status().nodes;
    const elapsed = await waitFor(
      "full mesh",
      20_000,
      () =>
        nodes.every((n) => {
          const bgp = birdcBgp(n.birdSocket);
          return bgp.length === 3 && bgp.every((p) => p.name.startsWith("Mesh_") && established(p));
        }),
      () => nodes.map((n) => `${n.name}:\n${birdc(n.birdSocket, "show", "protocols")}`).join("\n"),
    );
    console.log(
      `[${calicoApi}] 4-node mesh Established after ${elapsed} ms (since Lab.up resolved)`,
    );
    await waitFor("kernel routes", 10_000, () =>
      nodes.every((n) =>
        nodes
          .filter((o) => o.name !== n.name)
          .every((o) =>
            kernelRoutes(n.netns).some((r) => r.startsWith(`${o.podCIDR} via ${o.ipv4} `)),
          ),
      ),
    );
    expect(
      lab.status().nodes.map((n) => [n.name, n.zone, n.asNumber, n.routeReflectorClusterID]),
    ).toEqual([
      ["node-1", "zone-a", 64512, null],
      ["node-2", "zone-b", 64512, null],
      ["node-3", "zone-a", 64512, null],
      ["node-4", "zone-b", 64512, null],
    ]);
    // The probe reads the tables on its own schedule: bring it up to date before judging it.
    await lab.sampleRoutes();
    // Each node lacked each other block from the probe's start (inside Lab.up) until its session
    // came up; a gap that began later is a route lost after convergence.
    const gaps = lab.routeGaps({ atLeastMs: birdRouteReplaceMs });
    const lostLater = gaps.filter((g) => g.start > upAt || g.end === undefined);
    expect(lostLater, `probe errors: ${lab.errors.map((e) => e.message).join("; ")}`).toEqual([]);
  });

  test("a CalicoNodeStatus reports the same peers as birdc show protocols", async () => {
    const node = lab.status().nodes[1];
    if (!node) throw new Error("no node-2");
    const path = calicoPath(calicoApi, "caliconodestatuses");
    const created = await lab.http.request({
      method: "POST",
      path,
      body: {
        apiVersion: calicoApi === "v3" ? "projectcalico.org/v3" : "crd.projectcalico.org/v1",
        kind: "CalicoNodeStatus",
        metadata: { name: `status-${node.name}` },
        spec: { node: node.name, classes: ["Agent", "BGP", "Routes"], updatePeriodSeconds: 1 },
      },
    });
    expect(created.status).toBe(201);
    type Status = {
      status?: {
        agent?: { birdV4?: { state: string; routerID?: string } };
        bgp?: {
          numberEstablishedV4: number;
          numberNotEstablishedV4: number;
          peersV4?: { peerIP: string; type: string; state?: string }[];
        };
        routes?: {
          routesV4?: { destination: string; type: string; learnedFrom: { sourceType: string } }[];
        };
      };
    };
    let status: Status["status"];
    await waitFor("status written", 10_000, async () => {
      const res = await lab.http.request({ method: "GET", path: `${path}/status-${node.name}` });
      status = res.json<Status>().status;
      return (status?.bgp?.numberEstablishedV4 ?? 0) === 3;
    });
    const fromBirdc = birdcBgp(node.birdSocket).map((p) => ({
      peerIP: p.name.replace(/^Mesh_/, "").replaceAll("_", "."),
      type: "NodeMesh",
      state: p.info.split(" ")[0],
    }));
    expect(
      status?.bgp?.peersV4?.map(({ peerIP, type, state }) => ({ peerIP, type, state })),
    ).toEqual(fromBirdc);
    expect(status?.bgp?.numberNotEstablishedV4).toBe(0);
    expect(status?.agent?.birdV4).toMatchObject({ state: "Ready", routerID: node.ipv4 });
    expect(
      status?.routes?.routesV4?.filter((r) => r.learnedFrom.sourceType === "NodeMesh"),
    ).toHaveLength(3);
  });

  test("down() leaves no namespace, link, process or temp dir", async () => {
    const status = lab.status();
    const pids = status.nodes.map((n) => n.netns);
    await lab.down();
    const netns = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    expect(netns).not.toContain(`calicokit.${name}.`);
    expect(execFileSync("ip", ["link", "show"], { encoding: "utf8" })).not.toMatch(/\bv\d+@|br0/);
    const procs = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(procs).not.toContain(`calicokit-lab.${name}`);
    expect(existsSync(status.nodes[0]?.birdSocket ?? "")).toBe(false);
    expect(pids).toHaveLength(4);
  });
});
