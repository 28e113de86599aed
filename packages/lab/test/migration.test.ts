import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runDocumentedProcedure } from "../src/DocumentedProcedure.js";
import { calicoPath } from "../src/internal/LabObjects.js";
import { birdRouteReplaceMs, Lab, type LabNodeStatus } from "../src/Lab.js";
import { birdcBgp, established, kernelRoutes, routeVia, waitFor } from "./support/birdc.js";

const clusterID = "244.0.0.1";
const protocolName = (prefix: string, ip: string) => `${prefix}_${ip.replaceAll(".", "_")}`;

/** The body of `protocol bgp <name> ... { ... }` in a rendered BIRD config. */
function protocolBlock(config: string, name: string): string {
  const start = config.indexOf(`protocol bgp ${name} `);
  if (start < 0) throw new Error(`no protocol ${name} in config`);
  return config.slice(start, config.indexOf("\n}", start));
}

describe("mesh -> route reflectors, the documented manual procedure by hand (v3 API)", () => {
  let lab: Lab;
  let nodes: LabNodeStatus[];
  let rrs: LabNodeStatus[];
  let clients: LabNodeStatus[];

  beforeAll(async () => {
    lab = await Lab.up({
      name: `migrate-${process.pid % 1000}`,
      nodes: 4,
      asNumber: 64512,
      calicoApi: "v3",
    });
    nodes = [...lab.status().nodes];
    rrs = nodes.slice(0, 2);
    clients = nodes.slice(2);
    await waitFor("full mesh", 20_000, () =>
      nodes.every((n) => birdcBgp(n.birdSocket).filter(established).length === 3),
    );
  });

  afterAll(async () => {
    await lab?.down();
  });

  test("RRs serve their clients, the mesh is gone, and no route between non-RR nodes was lost", async () => {
    await lab.sampleRoutes();
    const t0 = new Date();

    // Steps 1-4 of the documented procedure, through the API; verified below with birdc itself.
    const steps: number[] = [];
    await runDocumentedProcedure(
      lab,
      { routeReflectors: rrs.map((rr) => rr.name), clusterId: clusterID },
      {
        onEvent: (e) => {
          if (e.kind === "done") steps.push(e.step);
          if (e.kind === "done" && e.step === 3) {
            console.log(`client<->RR sessions Established ${e.ms} ms after the BGPPeers`);
          }
        },
      },
    );
    expect(steps).toEqual([1, 2, 3, 4]);
    expect(
      clients.every((c) =>
        rrs.every((rr) =>
          birdcBgp(c.birdSocket).some(
            (p) => p.name === protocolName("Node", rr.ipv4) && established(p),
          ),
        ),
      ),
    ).toBe(true);
    expect(
      nodes.every((n) => birdcBgp(n.birdSocket).every((p) => !p.name.startsWith("Mesh_"))),
    ).toBe(true);

    // RRs: rr client for clients, plain iBGP to the other RR (same cluster ID); all Established.
    for (const rr of rrs) {
      const config = readFileSync(join(dirname(rr.birdSocket), "bird.cfg"), "utf8");
      for (const client of clients) {
        expect(protocolBlock(config, protocolName("Node", client.ipv4))).toMatch(
          new RegExp(`rr client;[\\s\\S]*rr cluster id ${clusterID};`),
        );
      }
      const other = rrs.find((o) => o.name !== rr.name);
      if (!other) throw new Error("one RR only");
      expect(protocolBlock(config, protocolName("Node", other.ipv4))).not.toContain("rr client");
      await waitFor("RR sessions", 15_000, () => {
        const bgp = birdcBgp(rr.birdSocket);
        return bgp.length === 3 && bgp.every((p) => p.name.startsWith("Node_") && established(p));
      });
    }
    for (const client of clients) {
      const bgp = birdcBgp(client.birdSocket);
      expect(bgp.map((p) => p.name).sort()).toEqual(rrs.map((rr) => protocolName("Node", rr.ipv4)));
      expect(bgp.every(established)).toBe(true);
    }

    // the sessions are up; the routes follow: every node has a kernel route to every other
    // node's block, and the probe's ledger has closed every gap it opened
    await waitFor(
      "every node routes every other node's block",
      15_000,
      () => nodes.every((n) => nodes.every((m) => m === n || routeVia(n, m))),
      () => nodes.map((n) => `${n.name}: ${kernelRoutes(n.netns).join("; ")}`).join("\n"),
    );
    await waitFor(
      "the probe's ledger closes every gap",
      15_000,
      async () => {
        await lab.sampleRoutes();
        return lab.routeGaps({ since: t0 }).every((g) => g.end !== undefined);
      },
      () => JSON.stringify(lab.routeGaps({ since: t0 }).filter((g) => g.end === undefined)),
    );
    const gaps = lab.routeGaps({ since: t0, atLeastMs: birdRouteReplaceMs });
    const rrNames = new Set(rrs.map((rr) => rr.name));
    const clientGaps = gaps.filter((g) => !rrNames.has(g.node) && !rrNames.has(g.owner));
    console.log(
      "route gaps during the migration:",
      JSON.stringify(
        gaps.map((g) => ({ node: g.node, block: g.destination, owner: g.owner, ms: g.durationMs })),
      ),
    );
    expect(clientGaps).toEqual([]);
    // Every gap that did happen is closed again.
    expect(gaps.filter((g) => g.end === undefined)).toEqual([]);
  });

  // How soon it shows is a speed figure (bench/), not something a test on a loaded machine can promise.
  test("stopping an RR's BIRD turns its clients' sessions to it non-Established in CalicoNodeStatus", async () => {
    const client = clients[0];
    const rr = rrs[0];
    if (!client || !rr) throw new Error("no nodes");
    const period = 2;
    const path = calicoPath("v3", "caliconodestatuses");
    const name = `status-${client.name}`;
    await lab.http.request({
      method: "POST",
      path,
      body: {
        apiVersion: "projectcalico.org/v3",
        kind: "CalicoNodeStatus",
        metadata: { name },
        spec: { node: client.name, classes: ["BGP"], updatePeriodSeconds: period },
      },
    });
    type Peer = { peerIP: string; type: string; state?: string };
    const peers = async () => {
      const res = await lab.http.request({ method: "GET", path: `${path}/${name}` });
      return res.json<{ status?: { bgp?: { peersV4?: Peer[] } } }>().status?.bgp?.peersV4 ?? [];
    };
    await waitFor("status shows both RRs Established", 10_000, async () => {
      const list = await peers();
      return (
        list.length === 2 && list.every((p) => p.state === "Established" && p.type === "NodePeer")
      );
    });
    await lab.stopBird(rr.name);
    await waitFor("status shows the RR session down", 30_000, async () =>
      (await peers()).some((p) => p.peerIP === rr.ipv4 && p.state !== "Established"),
    );
    // the other reflector's session is untouched
    expect((await peers()).filter((p) => p.state === "Established")).toHaveLength(1);
    await lab.startBird(rr.name);
    await waitFor("status shows the RR back", 20_000, async () =>
      (await peers()).every((p) => p.state === "Established"),
    );
  });
});
