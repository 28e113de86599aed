import { type ControlPlane, type KubeHttp, startControlPlane } from "@calicokit/testkit";
import { calicoNodeAnnotations } from "@calicokit/types";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { NodeStatusPeer } from "../src/NodeStatusReporter.js";
import { type SimulatedBgpReport, SimulatedBgpStatus } from "../src/SimulatedBgpStatus.js";
import { waitFor } from "./support/birdc.js";

// The BIRD-less stand-in for calico-node's status reporting, against a real apiserver: sessions
// as confd would configure them, a new one Established only after the connect delay.
const connectDelayMs = 2000;
const ips = ["10.99.1.1", "10.99.1.2", "10.99.1.3", "10.99.1.4"];
const statusPath = "/apis/projectcalico.org/v3/caliconodestatuses";

describe("SimulatedBgpStatus", () => {
  let cp: ControlPlane;
  let http: KubeHttp;
  let reporter: SimulatedBgpStatus;
  const errors: Error[] = [];
  const reports: SimulatedBgpReport[] = [];

  beforeAll(async () => {
    cp = await startControlPlane({ calicoApi: "v3" });
    http = cp.http();
    for (const [i, ip] of ips.entries()) {
      const res = await http.request({
        method: "POST",
        path: "/api/v1/nodes",
        body: {
          metadata: {
            name: `n${i + 1}`,
            annotations: { [calicoNodeAnnotations.ipv4Address]: `${ip}/24` },
          },
        },
      });
      expect(res.status).toBe(201);
    }
    reporter = await SimulatedBgpStatus.start({
      http,
      calicoApi: "v3",
      connectDelayMs,
      onError: (e) => errors.push(e),
      onReport: (r) => reports.push(r),
    });
  }, 120_000);

  afterAll(async () => {
    reporter?.stop();
    http?.close();
    await cp?.stop();
  });

  async function peersOf(name: string): Promise<NodeStatusPeer[]> {
    const res = await http.request({ method: "GET", path: `${statusPath}/${name}` });
    return (
      res.json<{ status?: { bgp?: { peersV4?: NodeStatusPeer[] } } }>().status?.bgp?.peersV4 ?? []
    );
  }

  test("the mesh it started with is Established; a new reflector peering only after the delay", async () => {
    const created = await http.request({
      method: "POST",
      path: statusPath,
      body: {
        apiVersion: "projectcalico.org/v3",
        kind: "CalicoNodeStatus",
        metadata: { name: "n1-bgp" },
        spec: { node: "n1", classes: ["BGP"], updatePeriodSeconds: 1 },
      },
    });
    expect(created.status).toBe(201);
    await waitFor("n1's mesh reported", 20_000, async () => (await peersOf("n1-bgp")).length === 3);
    expect((await peersOf("n1-bgp")).map((p) => [p.peerIP, p.type, p.state]).sort()).toEqual(
      ips.slice(1).map((ip) => [ip, "NodeMesh", "Established"]),
    );

    // n4 becomes a route reflector: its mesh sessions go, a NodePeer to it comes
    const patched = await http.request({
      method: "PATCH",
      path: "/api/v1/nodes/n4",
      contentType: "application/merge-patch+json",
      body: {
        metadata: {
          labels: { "route-reflector": "true" },
          annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: "244.0.0.1" },
        },
      },
    });
    expect(patched.status).toBe(200);
    const peer = await http.request({
      method: "POST",
      path: "/apis/projectcalico.org/v3/bgppeers",
      body: {
        apiVersion: "projectcalico.org/v3",
        kind: "BGPPeer",
        metadata: { name: "to-rr" },
        spec: { nodeSelector: "!has(route-reflector)", peerSelector: "has(route-reflector)" },
      },
    });
    expect(peer.status).toBe(201);
    const toRr = async () =>
      (await peersOf("n1-bgp")).find((p) => p.peerIP === ips[3] && p.type === "NodePeer");
    await waitFor("n1's NodePeer to n4 Established", 20_000, async () => {
      return (await toRr())?.state === "Established";
    });
    const seenAt = Date.now();
    const lastChange = reporter.topologyChanges.at(-1) ?? Number.POSITIVE_INFINITY;
    expect(seenAt - lastChange).toBeGreaterThanOrEqual(connectDelayMs);
    const now = await peersOf("n1-bgp");
    expect(now.filter((p) => p.peerIP === ips[3]).map((p) => p.type)).toEqual(["NodePeer"]);
    expect(now.filter((p) => p.type === "NodeMesh")).toHaveLength(2);
    // the write is announced once accepted: n1's two mesh sessions and the NodePeer, not early
    await waitFor("the write announced", 10_000, () => reports.at(-1)?.established === 3);
    expect(reports.at(-1)).toMatchObject({ name: "n1-bgp", node: "n1" });
    expect(reports.at(-1)?.at).toBeGreaterThanOrEqual(lastChange + connectDelayMs);
    expect(errors).toEqual([]);
  }, 120_000);
});
