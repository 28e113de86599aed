import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { calicoPath } from "../src/internal/LabObjects.js";
import { Lab, type LabNodeStatus } from "../src/Lab.js";
import { LabError } from "../src/LabError.js";
import { birdcBgp, established, kernelRoutes, waitFor } from "./support/birdc.js";

const meshName = (n: LabNodeStatus) => `Mesh_${n.ipv4.replaceAll(".", "_")}`;
const routeVia = (from: LabNodeStatus, to: LabNodeStatus) =>
  kernelRoutes(from.netns).some((r) => r.startsWith(`${to.podCIDR} via ${to.ipv4} `));

describe("lab faults (3 nodes, v3 API)", () => {
  let lab: Lab;
  let nodes: LabNodeStatus[];
  const name = `faults-${process.pid % 1000}`;
  const fullMesh = (list: LabNodeStatus[]) => () =>
    list.every((n) => {
      const bgp = birdcBgp(n.birdSocket);
      return bgp.length === list.length - 1 && bgp.every(established);
    });

  beforeAll(async () => {
    lab = await Lab.up({ name, nodes: 3, calicoApi: "v3" });
    nodes = [...lab.status().nodes];
    await waitFor("full mesh", 20_000, fullMesh(nodes));
  });

  afterAll(async () => {
    await lab?.down();
  });

  test("a second Lab.up with the same name from this process cleans up first; bad options are refused", async () => {
    await expect(Lab.up({ name: "Bad_Name", nodes: 1, calicoApi: "v3" })).rejects.toMatchObject({
      _tag: "InvalidOptions",
    });
    await expect(Lab.up({ name: "x", nodes: 0, calicoApi: "v3" })).rejects.toBeInstanceOf(LabError);
  });

  test("blocking TCP/179 between two nodes drops their session (routes kept stale by graceful restart); unblocking restores it", async () => {
    const [a, b] = nodes;
    if (!a || !b) throw new Error("nodes");
    await lab.blockBgp(a.name, b.name);
    try {
      await waitFor("session down", 10_000, () =>
        birdcBgp(a.birdSocket).some((p) => p.name === meshName(b) && !established(p)),
      );
      // An aborted TCP session is not a Cease: BIRD keeps the peer's routes for the GR time.
      expect(routeVia(a, b)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(birdcBgp(a.birdSocket).find((p) => p.name === meshName(b))?.state).not.toBe("up");
    } finally {
      await lab.unblockBgp(a.name, b.name);
    }
    const back = await waitFor("session back", 30_000, fullMesh(nodes));
    console.log(`blocked TCP/179: session back ${back} ms after unblock`);
  });

  test("a killed BIRD's routes stay on its peers (graceful restart); a restarted one rejoins", async () => {
    const [a, b] = nodes;
    if (!a || !b) throw new Error("nodes");
    await lab.stopBird(b.name, { mode: "kill" });
    await waitFor("peer notices", 10_000, () =>
      birdcBgp(a.birdSocket).some((p) => p.name === meshName(b) && !established(p)),
    );
    expect(routeVia(a, b)).toBe(true);
    await lab.startBird(b.name);
    await waitFor("mesh back", 30_000, fullMesh(nodes));
  });

  test("a stopped agent changes nothing; a restarted one applies pending changes and keeps sessions", async () => {
    const [a] = nodes;
    if (!a) throw new Error("nodes");
    const bgpNames = () => birdcBgp(a.birdSocket).map((p) => p.name);
    // A reset session is a new TCP connection: the established 4-tuples must not change.
    const connections = () =>
      execFileSync("ip", ["netns", "exec", a.netns, "ss", "-Htn", "state", "established"], {
        encoding: "utf8",
      })
        .split("\n")
        .filter((line) => line.includes(":179"))
        .sort();
    const before = connections();
    expect(before).toHaveLength(2);
    lab.stopAgent();
    const peerPath = calicoPath("v3", "bgppeers", "external-router");
    try {
      const peer = await lab.http.request({
        method: "POST",
        path: calicoPath("v3", "bgppeers"),
        body: {
          apiVersion: "projectcalico.org/v3",
          kind: "BGPPeer",
          metadata: { name: "external-router" },
          spec: { peerIP: "10.99.0.200", asNumber: 64600 },
        },
      });
      expect(peer.status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(bgpNames()).not.toContain("Global_10_99_0_200");
      await lab.startAgent();
      await waitFor("global peer rendered", 10_000, () =>
        bgpNames().includes("Global_10_99_0_200"),
      );
      expect(connections()).toEqual(before);
    } finally {
      await lab.http.request({ method: "DELETE", path: peerPath });
    }
    await waitFor("global peer removed", 10_000, () => !bgpNames().includes("Global_10_99_0_200"));
    expect(connections()).toEqual(before);
  });

  test("a node added while running joins the mesh; a removed node leaves nothing behind", async () => {
    const added = await lab.addNode({ zone: "zone-z" });
    expect(added).toMatchObject({
      name: "node-4",
      ipv4: "10.99.0.14",
      zone: "zone-z",
      podCIDR: "192.168.0.192/26",
    });
    const all = [...lab.status().nodes];
    const joined = await waitFor("4-node mesh", 20_000, fullMesh(all));
    console.log(`added node joined the full mesh ${joined} ms after addNode resolved`);
    await waitFor("routes to the new block", 10_000, () => nodes.every((n) => routeVia(n, added)));

    await lab.removeNode(added.name);
    await waitFor("3-node mesh again", 20_000, fullMesh(nodes));
    expect(execFileSync("ip", ["netns", "list"], { encoding: "utf8" })).not.toContain(
      `calicokit.${name}.node-4`,
    );
    const node = await lab.http.request({ method: "GET", path: "/api/v1/nodes/node-4" });
    expect(node.status).toBe(404);
    const affinities = await lab.http.request({
      method: "GET",
      path: calicoPath("v3", "blockaffinities"),
    });
    expect(affinities.text).not.toContain("node-4");
  });

  test("the agent and the probe reported no errors", () => {
    expect(lab.errors.map((e) => e.message)).toEqual([]);
  });
});
