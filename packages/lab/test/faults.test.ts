import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { KubeWatch } from "../src/internal/KubeWatch.js";
import { calicoPath } from "../src/internal/LabObjects.js";
import { Lab, type LabNodeStatus } from "../src/Lab.js";
import { LabError } from "../src/LabError.js";
import { birdcBgp, birdcLastError, established, routeVia, waitFor } from "./support/birdc.js";

const meshName = (n: LabNodeStatus) => `Mesh_${n.ipv4.replaceAll(".", "_")}`;

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
    // each side's protocol for the other; the mesh makes one side connect, the other listen
    const sides = [
      { socket: a.birdSocket, protocol: meshName(b) },
      { socket: b.birdSocket, protocol: meshName(a) },
    ];
    const state = (side: (typeof sides)[number]) =>
      birdcBgp(side.socket).find((p) => p.name === side.protocol);
    const views = () =>
      sides.map((side) => `${side.protocol}: ${JSON.stringify(state(side))}`).join("\n");
    await lab.blockBgp(a.name, b.name);
    try {
      await waitFor(
        "session down on both sides",
        10_000,
        () =>
          sides.every((side) => {
            const protocol = state(side);
            return protocol === undefined || !established(protocol);
          }),
        views,
      );
      // An aborted TCP session is not a Cease: BIRD keeps the peer's routes for the GR time.
      expect(routeVia(a, b)).toBe(true);
      // BIRD retries after its connect delay: once a retry has failed (the error the cut left
      // is replaced), the block has held against a reconnect; never Established meanwhile
      const cutErrors = sides.map((side) => birdcLastError(side.socket, side.protocol));
      let upWhileBlocked = false;
      await waitFor(
        "a reconnect attempt refused while blocked",
        15_000,
        () => {
          upWhileBlocked ||= sides.some((side) => state(side)?.state === "up");
          return sides.some(
            (side, i) => birdcLastError(side.socket, side.protocol) !== cutErrors[i],
          );
        },
        () => `errors after the cut: ${JSON.stringify(cutErrors)}\n${views()}`,
      );
      expect(upWhileBlocked).toBe(false);
      expect(sides.map((side) => state(side)?.state)).not.toContain("up");
      expect(routeVia(a, b)).toBe(true);
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
    // a watch like the agent's, opened after the stop: once it has the peer, a running agent
    // would have had it too
    let delivered: () => void = () => {};
    const peerDelivered = new Promise<void>((resolve) => {
      delivered = resolve;
    });
    const observer = new KubeWatch(lab.http, calicoPath("v3", "bgppeers"), (event) => {
      if (event.type === "ADDED" && event.object.metadata.name === "external-router") delivered();
    });
    await observer.start();
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
      await Promise.race([
        peerDelivered,
        sleep(10_000).then(() => {
          throw new Error("the BGPPeer external-router reached no watch within 10 s");
        }),
      ]);
      expect(bgpNames()).not.toContain("Global_10_99_0_200");
      expect(readFileSync(join(dirname(a.birdSocket), "bird.cfg"), "utf8")).not.toContain(
        "Global_10_99_0_200",
      );
      await lab.startAgent();
      await waitFor("global peer rendered", 10_000, () =>
        bgpNames().includes("Global_10_99_0_200"),
      );
      expect(connections()).toEqual(before);
    } finally {
      observer.stop();
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
