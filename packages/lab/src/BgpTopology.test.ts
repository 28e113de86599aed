import { describe, expect, it } from "vitest";
import type { BgpSnapshot, SnapshotBgpPeer, SnapshotNode } from "./BgpSnapshot.js";
import {
  BgpNodeNotFoundError,
  type BgpSession,
  computeClusterBgp,
  computeNodeBgp,
  computeNodesBgp,
} from "./BgpTopology.js";

function node(
  name: string,
  ipv4: string | undefined,
  extra: {
    labels?: Record<string, string>;
    asNumber?: number;
    rr?: string;
    ipv6?: string;
  } = {},
): SnapshotNode {
  return {
    metadata: { name, labels: extra.labels ?? {} },
    spec: {
      bgp: {
        ...(ipv4 === undefined ? {} : { ipv4Address: `${ipv4}/24` }),
        ...(extra.ipv6 === undefined ? {} : { ipv6Address: `${extra.ipv6}/64` }),
        ...(extra.asNumber === undefined ? {} : { asNumber: extra.asNumber }),
        ...(extra.rr === undefined ? {} : { routeReflectorClusterID: extra.rr }),
      },
    },
  };
}

function peer(name: string, spec: SnapshotBgpPeer["spec"]): SnapshotBgpPeer {
  return { metadata: { name }, spec };
}

function meshOff(): NonNullable<BgpSnapshot["bgpConfigurations"]> {
  return [{ metadata: { name: "default" }, spec: { nodeToNodeMeshEnabled: false } }];
}

function sessions(snapshot: BgpSnapshot, nodeName: string): readonly BgpSession[] {
  return computeNodeBgp(snapshot, nodeName).ipv4.sessions;
}

function names(snapshot: BgpSnapshot, nodeName: string): string[] {
  return sessions(snapshot, nodeName).map((s) => s.name);
}

function session(snapshot: BgpSnapshot, nodeName: string, name: string): BgpSession {
  const found = sessions(snapshot, nodeName).find((s) => s.name === name);
  if (found === undefined) throw new Error(`no session ${name} on ${nodeName}`);
  return found;
}

const rrLabel = { "route-reflector": "true" };
const peerWithRRs = peer("peer-with-route-reflectors", {
  nodeSelector: "all()",
  peerSelector: "route-reflector == 'true'",
});

describe("node-to-node mesh", () => {
  const three: BgpSnapshot = {
    nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2"), node("n3", "10.0.0.3")],
  };

  it("gives every node one Mesh_ session per other node, from its own IP, ttl security off", () => {
    expect(names(three, "n2")).toEqual(["Mesh_10_0_0_1", "Mesh_10_0_0_3"]);
    expect(session(three, "n1", "Mesh_10_0_0_2")).toMatchObject({
      kind: "Mesh",
      peerIP: "10.0.0.2",
      port: undefined,
      peerASNumber: 64512,
      sourceAddress: "10.0.0.1",
      ttlSecurityHops: undefined,
      routeReflectorClient: false,
      internalPeer: true,
      peerNode: "n2",
    });
  });

  it("makes the side with the larger IP (string comparison) passive: 10.0.0.9 > 10.0.0.10", () => {
    const pair: BgpSnapshot = { nodes: [node("a", "10.0.0.9"), node("b", "10.0.0.10")] };
    // As numbers .10 is larger, but as strings "10.0.0.9" > "10.0.0.10".
    expect(session(pair, "b", "Mesh_10_0_0_9").passive).toBe(true);
    expect(session(pair, "a", "Mesh_10_0_0_10").passive).toBe(false);
  });

  it("is off when the default BGPConfiguration sets nodeToNodeMeshEnabled: false", () => {
    expect(names({ ...three, bgpConfigurations: meshOff() }, "n1")).toEqual([]);
  });

  it("stays on when only a node.<name> BGPConfiguration exists", () => {
    const snapshot: BgpSnapshot = {
      ...three,
      bgpConfigurations: [{ metadata: { name: "node.n1" }, spec: { listenPort: 1790 } }],
    };
    expect(names(snapshot, "n1")).toHaveLength(2);
  });

  it("is skipped on a route reflector and towards route reflectors", () => {
    const snapshot: BgpSnapshot = {
      nodes: [
        node("n1", "10.0.0.1"),
        node("n2", "10.0.0.2"),
        node("rr", "10.0.0.3", { rr: "244.0.0.1" }),
      ],
    };
    expect(names(snapshot, "n1")).toEqual(["Mesh_10_0_0_2"]);
    expect(names(snapshot, "rr")).toEqual([]);
  });

  it("skips nodes without an address in the family and nodes sharing our IP", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1"), node("n2", undefined), node("twin", "10.0.0.1")],
    };
    expect(names(snapshot, "n1")).toEqual([]);
  });

  it("connects to the peer node's listen port (node.<name>, else default) without renaming", () => {
    const snapshot: BgpSnapshot = {
      ...three,
      bgpConfigurations: [
        { metadata: { name: "default" }, spec: { listenPort: 1790 } },
        { metadata: { name: "node.n3" }, spec: { listenPort: 1791 } },
      ],
    };
    expect(session(snapshot, "n1", "Mesh_10_0_0_2").port).toBe(1790);
    expect(session(snapshot, "n1", "Mesh_10_0_0_3").port).toBe(1791);
    expect(computeNodeBgp(snapshot, "n3").listenPort).toBe(1791);
    expect(computeNodeBgp(snapshot, "n1").listenPort).toBe(1790);
  });

  it("uses the mesh password and nodeMeshMaxRestartTime of the default BGPConfiguration", () => {
    const snapshot: BgpSnapshot = {
      ...three,
      bgpConfigurations: [
        {
          metadata: { name: "default" },
          spec: {
            nodeMeshMaxRestartTime: "1m30s",
            nodeMeshPassword: { secretKeyRef: { name: "bgp", key: "mesh" } },
          },
        },
      ],
      resolveSecret: (name, key) => (name === "bgp" && key === "mesh" ? "s3cret" : undefined),
    };
    expect(session(snapshot, "n1", "Mesh_10_0_0_2")).toMatchObject({
      password: "s3cret",
      gracefulRestartTime: 90,
    });
  });

  it("names IPv6 sessions with ':' replaced by '_'", () => {
    const snapshot: BgpSnapshot = {
      nodes: [
        node("n1", "10.0.0.1", { ipv6: "fd00::1" }),
        node("n2", "10.0.0.2", { ipv6: "FD00:0:0::2" }),
      ],
    };
    const v6 = computeNodeBgp(snapshot, "n1").ipv6;
    expect(v6.nodeIP).toBe("fd00::1");
    expect(v6.sessions.map((s) => [s.name, s.peerIP, s.sourceAddress, s.passive])).toEqual([
      ["Mesh_fd00__2", "fd00::2", "fd00::1", true],
    ]);
  });
});

describe("AS numbers", () => {
  it("resolves node override > default BGPConfiguration asNumber > 64512", () => {
    const nodes = [node("n1", "10.0.0.1", { asNumber: 65001 }), node("n2", "10.0.0.2")];
    expect(computeNodeBgp({ nodes }, "n1").asNumber).toBe(65001);
    expect(computeNodeBgp({ nodes }, "n2").asNumber).toBe(64512);
    const withDefault: BgpSnapshot = {
      nodes,
      bgpConfigurations: [{ metadata: { name: "default" }, spec: { asNumber: 65100 } }],
    };
    expect(computeNodeBgp(withDefault, "n2").asNumber).toBe(65100);
    // A mesh peer's AS is the peer node's own AS.
    expect(session(withDefault, "n2", "Mesh_10_0_0_1")).toMatchObject({
      peerASNumber: 65001,
      internalPeer: false,
    });
    expect(session(withDefault, "n1", "Mesh_10_0_0_2").peerASNumber).toBe(65100);
  });

  it("ignores an asNumber set on a node.<name> BGPConfiguration", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1")],
      bgpConfigurations: [{ metadata: { name: "node.n1" }, spec: { asNumber: 65009 } }],
    };
    expect(computeNodeBgp(snapshot, "n1").asNumber).toBe(64512);
  });
});

describe("explicit BGPPeers", () => {
  const nodes = [node("n1", "10.0.0.1"), node("n2", "10.0.0.2"), node("n3", "10.0.0.3")];

  it("a global peerIP BGPPeer gives every node a Global_ session to the external router", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("tor", { peerIP: "192.0.2.1", asNumber: 65001 })],
    };
    for (const name of ["n1", "n2", "n3"]) {
      expect(names(snapshot, name)).toEqual(["Global_192_0_2_1"]);
    }
    expect(session(snapshot, "n1", "Global_192_0_2_1")).toMatchObject({
      kind: "Global",
      peerASNumber: 65001,
      passive: false,
      internalPeer: false,
      sourceAddress: "10.0.0.1",
      peerNode: undefined,
      origin: "BGPPeer tor",
    });
  });

  it("adds _port_<p> to the name when peerIP carries a port", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [
        peer("tor", { peerIP: "192.0.2.1:1790", asNumber: 65001 }),
        peer("tor6", { peerIP: "[2001:db8::1]:1791", asNumber: 65001 }),
      ],
    };
    expect(session(snapshot, "n1", "Global_192_0_2_1_port_1790").port).toBe(1790);
    const n1 = computeNodeBgp(
      { ...snapshot, nodes: [node("n1", "10.0.0.1", { ipv6: "2001:db8::10" })] },
      "n1",
    );
    expect(n1.ipv6.sessions.map((s) => s.name)).toEqual(["Global_2001_db8__1_port_1791"]);
  });

  it("reads a written port of 0 as no port, as confd does", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("tor", { peerIP: "192.0.2.1:0", asNumber: 65001 })],
    };
    expect(session(snapshot, "n1", "Global_192_0_2_1").port).toBeUndefined();
  });

  it("names and files a peerIP as Go prints it (IPv4-mapped IPv6 is IPv4)", () => {
    const n1 = computeNodeBgp(
      {
        nodes: [node("n1", "10.0.0.1", { ipv6: "2001:db8::10" })],
        bgpConfigurations: meshOff(),
        bgpPeers: [
          peer("mapped", { peerIP: "::ffff:192.0.2.1", asNumber: 65001 }),
          peer("long", { peerIP: "2001:DB8:0:0:0:0:0:1", asNumber: 65001 }),
        ],
      },
      "n1",
    );
    expect(n1.ipv4.sessions.map((s) => [s.name, s.peerIP])).toEqual([
      ["Global_192_0_2_1", "192.0.2.1"],
    ]);
    expect(n1.ipv6.sessions.map((s) => [s.name, s.peerIP])).toEqual([
      ["Global_2001_db8__1", "2001:db8::1"],
    ]);
  });

  it("a node-specific BGPPeer applies only to its node and is named Node_", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("n2-tor", { node: "n2", peerIP: "192.0.2.1", asNumber: 65001 })],
    };
    expect(names(snapshot, "n2")).toEqual(["Node_192_0_2_1"]);
    expect(names(snapshot, "n1")).toEqual([]);
  });

  it("nodeSelector picks the local nodes; all() is node-specific, not global", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1", { labels: { rack: "a" } }), node("n2", "10.0.0.2")],
      bgpConfigurations: meshOff(),
      bgpPeers: [
        peer("rack-a", { nodeSelector: "rack == 'a'", peerIP: "192.0.2.1", asNumber: 65001 }),
        peer("everyone", { nodeSelector: "all()", peerIP: "192.0.2.2", asNumber: 65001 }),
      ],
    };
    expect(names(snapshot, "n1")).toEqual(["Node_192_0_2_1", "Node_192_0_2_2"]);
    expect(names(snapshot, "n2")).toEqual(["Node_192_0_2_2"]);
  });

  it("drops a node-specific peering whose IP and port a global BGPPeer already covers", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [
        peer("a-node", { node: "n1", peerIP: "192.0.2.1", asNumber: 65002 }),
        peer("z-global", { peerIP: "192.0.2.1", asNumber: 65001 }),
        peer("other-port", { node: "n1", peerIP: "192.0.2.1:1790", asNumber: 65003 }),
      ],
    };
    expect(names(snapshot, "n1")).toEqual(["Global_192_0_2_1", "Node_192_0_2_1_port_1790"]);
    expect(session(snapshot, "n1", "Global_192_0_2_1").peerASNumber).toBe(65001);
  });

  it("keeps the first writer of an ip+port within a scope (BGPPeers in name order)", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [
        peer("b", { node: "n1", peerIP: "192.0.2.1", asNumber: 65002 }),
        peer("a", { node: "n1", peerIP: "192.0.2.1", asNumber: 65001 }),
      ],
    };
    expect(sessions(snapshot, "n1")).toHaveLength(1);
    expect(session(snapshot, "n1", "Node_192_0_2_1")).toMatchObject({
      peerASNumber: 65001,
      origin: "BGPPeer a",
    });
  });

  it("a peerIP of a Calico node without a port uses that node's listen port", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: [
        { metadata: { name: "default" }, spec: { nodeToNodeMeshEnabled: false } },
        { metadata: { name: "node.n3" }, spec: { listenPort: 1790 } },
      ],
      bgpPeers: [peer("to-n3", { node: "n1", peerIP: "10.0.0.3", asNumber: 64512 })],
    };
    expect(names(snapshot, "n1")).toEqual(["Node_10_0_0_3_port_1790"]);
  });

  it("makes global peerings to a Calico node passive when its IP is larger as a string", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("a", "10.0.0.9"), node("b", "10.0.0.10"), node("c", "10.0.0.90")],
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("to-a", { peerIP: "10.0.0.9", asNumber: 64512 })],
    };
    expect(session(snapshot, "b", "Global_10_0_0_9").passive).toBe(true);
    expect(session(snapshot, "c", "Global_10_0_0_9").passive).toBe(false);
  });

  it("never makes node-specific peerings passive", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("a", "10.0.0.9"), node("b", "10.0.0.10")],
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("b-to-a", { node: "b", peerIP: "10.0.0.9", asNumber: 64512 })],
    };
    expect(session(snapshot, "b", "Node_10_0_0_9").passive).toBe(false);
    // The automatic reverse peering on a is node-specific too.
    expect(session(snapshot, "a", "Node_10_0_0_10").passive).toBe(false);
  });

  it("skips a peering to the node's own IP", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("to-n1", { peerIP: "10.0.0.1", asNumber: 64512 })],
    };
    expect(names(snapshot, "n1")).toEqual(["Node_10_0_0_2", "Node_10_0_0_3"]);
    expect(names(snapshot, "n2")).toEqual(["Global_10_0_0_1"]);
  });

  it("skips BGPPeers with an unparsable peerIP or selector and says so", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpPeers: [
        peer("bad-ip", { peerIP: "not-an-ip", asNumber: 65001 }),
        peer("bad-selector", { nodeSelector: "a ==", peerIP: "192.0.2.1", asNumber: 65001 }),
      ],
    };
    const n1 = computeNodeBgp(snapshot, "n1");
    expect(n1.ipv4.sessions.filter((s) => s.kind !== "Mesh")).toEqual([]);
    expect(n1.warnings.join("\n")).toMatch(/bad-ip: spec.peerIP "not-an-ip"/);
    expect(n1.warnings.join("\n")).toMatch(/Selector "a ==" does not parse/);
  });
});

describe("automatic reverse peerings", () => {
  it("a peerSelector peering is mirrored on the selected nodes back to the local side", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1", { labels: { edge: "y" } }), node("n2", "10.0.0.2")],
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("edge-to-n2", { nodeSelector: "edge == 'y'", peerSelector: "!has(edge)" })],
    };
    expect(names(snapshot, "n1")).toEqual(["Node_10_0_0_2"]);
    expect(names(snapshot, "n2")).toEqual(["Node_10_0_0_1"]);
  });

  it("a global peerIP to a Calico node gives that node peerings back to every node", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2"), node("n3", "10.0.0.3")],
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("to-n3", { peerIP: "10.0.0.3", asNumber: 64512 })],
    };
    expect(names(snapshot, "n3")).toEqual(["Node_10_0_0_1", "Node_10_0_0_2"]);
    expect(session(snapshot, "n3", "Node_10_0_0_1").origin).toBe("BGPPeer to-n3");
  });

  it("matches the owner of peerIP only when its AS equals asNumber (unset = global AS)", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2")],
      bgpConfigurations: meshOff(),
      bgpPeers: [peer("to-n2", { node: "n1", peerIP: "10.0.0.2", asNumber: 65099 })],
    };
    expect(names(snapshot, "n2")).toEqual([]);
  });

  it("is not generated with reversePeering: Manual", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1", { labels: { edge: "y" } }), node("n2", "10.0.0.2")],
      bgpConfigurations: meshOff(),
      bgpPeers: [
        peer("one-way", {
          nodeSelector: "edge == 'y'",
          peerSelector: "!has(edge)",
          reversePeering: "Manual",
        }),
      ],
    };
    expect(names(snapshot, "n1")).toEqual(["Node_10_0_0_2"]);
    expect(names(snapshot, "n2")).toEqual([]);
  });

  it("loses to an explicit forward peering with the same key", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2")],
      bgpConfigurations: meshOff(),
      bgpPeers: [
        peer("a-n1-to-n2", { node: "n1", peerIP: "10.0.0.2", asNumber: 64512 }),
        peer("b-n2-to-n1", { node: "n2", peerIP: "10.0.0.1", asNumber: 64512, ttlSecurity: 2 }),
      ],
    };
    // n2's forward peering (from b) wins over the reverse of a, so it keeps b's ttlSecurity.
    expect(session(snapshot, "n2", "Node_10_0_0_1")).toMatchObject({
      ttlSecurityHops: 2,
      origin: "BGPPeer b-n2-to-n1",
    });
  });
});

describe("route reflectors", () => {
  it("computeNodesBgp gives the named nodes exactly what computeNodeBgp gives each, and skips unknown names", () => {
    const snapshot: BgpSnapshot = {
      nodes: [
        node("rr", "10.0.0.1", { rr: "244.0.0.1", labels: rrLabel }),
        node("n2", "10.0.0.2"),
        node("n3", "10.0.0.3"),
      ],
      bgpPeers: [peerWithRRs],
    };
    const some = computeNodesBgp(snapshot, ["rr", "n3", "gone"]);
    expect([...some.keys()]).toEqual(["rr", "n3"]);
    expect(some.get("rr")).toEqual(computeNodeBgp(snapshot, "rr"));
    expect(some.get("n3")).toEqual(computeNodeBgp(snapshot, "n3"));
  });

  it("an RR marks iBGP peers without its cluster ID as rr clients; clients render no RR statement", () => {
    const snapshot: BgpSnapshot = {
      nodes: [
        node("rr", "10.0.0.1", { rr: "244.0.0.1", labels: rrLabel }),
        node("n2", "10.0.0.2"),
        node("n3", "10.0.0.3"),
      ],
      bgpPeers: [peerWithRRs],
    };
    expect(names(snapshot, "rr")).toEqual(["Node_10_0_0_2", "Node_10_0_0_3"]);
    expect(session(snapshot, "rr", "Node_10_0_0_2")).toMatchObject({
      routeReflectorClient: true,
      rrClusterId: "244.0.0.1",
      passive: false,
    });
    expect(names(snapshot, "n2")).toEqual(["Mesh_10_0_0_3", "Node_10_0_0_1"]);
    expect(session(snapshot, "n2", "Node_10_0_0_1")).toMatchObject({
      routeReflectorClient: false,
      rrClusterId: undefined,
    });
  });

  it("RRs sharing a cluster ID peer as plain iBGP; different IDs treat each other as clients", () => {
    const rrs = (id1: string, id2: string): BgpSnapshot => ({
      nodes: [
        node("rr1", "10.0.0.1", { rr: id1, labels: rrLabel }),
        node("rr2", "10.0.0.2", { rr: id2, labels: rrLabel }),
        node("n3", "10.0.0.3"),
      ],
      bgpConfigurations: meshOff(),
      bgpPeers: [peerWithRRs],
    });
    const shared = rrs("244.0.0.1", "244.0.0.1");
    expect(session(shared, "rr1", "Node_10_0_0_2").routeReflectorClient).toBe(false);
    expect(session(shared, "rr1", "Node_10_0_0_3").routeReflectorClient).toBe(true);
    const separate = rrs("244.0.0.1", "244.0.0.2");
    expect(session(separate, "rr1", "Node_10_0_0_2")).toMatchObject({
      routeReflectorClient: true,
      rrClusterId: "244.0.0.1",
    });
    expect(session(separate, "rr2", "Node_10_0_0_1")).toMatchObject({
      routeReflectorClient: true,
      rrClusterId: "244.0.0.2",
    });
  });

  it("an iBGP peerIP peer of an RR is always a client, even another RR of the same cluster", () => {
    const snapshot: BgpSnapshot = {
      nodes: [
        node("rr1", "10.0.0.1", { rr: "244.0.0.1" }),
        node("rr2", "10.0.0.2", { rr: "244.0.0.1" }),
      ],
      bgpPeers: [peer("rr1-to-rr2", { node: "rr1", peerIP: "10.0.0.2", asNumber: 64512 })],
    };
    expect(session(snapshot, "rr1", "Node_10_0_0_2").routeReflectorClient).toBe(true);
    // The reverse peering comes from rr1's node facts, so rr2 knows rr1's cluster ID.
    expect(session(snapshot, "rr2", "Node_10_0_0_1").routeReflectorClient).toBe(false);
  });

  it("eBGP peers of an RR are never clients; localASNumber decides what counts as iBGP", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("rr", "10.0.0.1", { rr: "244.0.0.1" })],
      bgpPeers: [
        peer("tor", { peerIP: "192.0.2.1", asNumber: 65001 }),
        peer("tor-local-as", { peerIP: "192.0.2.2", asNumber: 65001, localASNumber: 65001 }),
      ],
    };
    expect(session(snapshot, "rr", "Global_192_0_2_1")).toMatchObject({
      routeReflectorClient: false,
      internalPeer: false,
    });
    expect(session(snapshot, "rr", "Global_192_0_2_2")).toMatchObject({
      routeReflectorClient: true,
      internalPeer: true,
      localASNumber: 65001,
    });
  });
});

describe("per-peer options", () => {
  const nodes = [node("n1", "10.0.0.1")];

  it("maps timers, TTL security, source address, next hop and allow local as", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpPeers: [
        peer("tuned", {
          peerIP: "192.0.2.1",
          asNumber: 65001,
          maxRestartTime: "90s",
          keepaliveTime: "20s",
          ttlSecurity: 1,
          sourceAddress: "None",
          nextHopMode: "Self",
          numAllowedLocalASNumbers: 2,
          filters: ["f1"],
        }),
      ],
    };
    expect(session(snapshot, "n1", "Global_192_0_2_1")).toMatchObject({
      gracefulRestartTime: 90,
      keepaliveTime: 20,
      ttlSecurityHops: 1,
      sourceAddress: undefined,
      nextHopSelf: true,
      nextHopKeep: false,
      allowLocalAS: 2,
      filters: ["f1"],
    });
    expect(computeNodeBgp(snapshot, "n1").warnings.join("\n")).toMatch(/BGPFilters \(f1\)/);
  });

  it("applies the legacy keepOriginalNextHop only to eBGP peers", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpPeers: [
        peer("ebgp", { peerIP: "192.0.2.1", asNumber: 65001, keepOriginalNextHop: true }),
        peer("ibgp", { peerIP: "192.0.2.2", asNumber: 64512, keepOriginalNextHop: true }),
        peer("keep", { peerIP: "192.0.2.3", asNumber: 64512, nextHopMode: "Keep" }),
      ],
    };
    expect(session(snapshot, "n1", "Global_192_0_2_1").nextHopKeep).toBe(true);
    expect(session(snapshot, "n1", "Global_192_0_2_2").nextHopKeep).toBe(false);
    expect(session(snapshot, "n1", "Global_192_0_2_3").nextHopKeep).toBe(true);
  });

  it("renders no password and warns when the secret is unavailable", () => {
    const snapshot: BgpSnapshot = {
      nodes,
      bgpPeers: [
        peer("pw", {
          peerIP: "192.0.2.1",
          asNumber: 65001,
          password: { secretKeyRef: { name: "bgp", key: "tor" } },
        }),
      ],
    };
    const n1 = computeNodeBgp(snapshot, "n1");
    expect(n1.ipv4.sessions[0]?.password).toBeUndefined();
    expect(n1.warnings.join("\n")).toMatch(/secret bgp\/tor is not available/);
    const resolved = computeNodeBgp({ ...snapshot, resolveSecret: () => "pw1" }, "n1");
    expect(resolved.ipv4.sessions[0]?.password).toBe("pw1");
  });
});

describe("node facts and advertised routes", () => {
  it("sorts sessions by name", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.20"), node("n3", "10.0.0.3")],
      bgpPeers: [peer("tor", { peerIP: "192.0.2.1", asNumber: 65001 })],
    };
    expect(names(snapshot, "n1")).toEqual(["Global_192_0_2_1", "Mesh_10_0_0_20", "Mesh_10_0_0_3"]);
  });

  it("uses the IPv4 address as router id and reports no sessions without one", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", undefined, { ipv6: "fd00::1" }), node("n2", "10.0.0.2")],
    };
    const n1 = computeNodeBgp(snapshot, "n1");
    expect(n1.routerId).toBeUndefined();
    expect(n1.ipv4.sessions).toEqual([]);
    expect(computeNodeBgp(snapshot, "n2").routerId).toBe("10.0.0.2");
  });

  it("advertises only this node's blocks that are not pending or deleted, in key order", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1")],
      blockAffinities: [
        { spec: { node: "n1", cidr: "192.168.1.64/26", state: "confirmed", deleted: false } },
        { spec: { node: "n1", cidr: "192.168.1.192/26", state: "confirmed" } },
        { spec: { node: "n1", cidr: "192.168.2.0/26", state: "pending" } },
        { spec: { node: "n1", cidr: "192.168.3.0/26", state: "confirmed", deleted: true } },
        { spec: { node: "n1", cidr: "192.168.4.0/26", state: "pendingDeletion" } },
        { spec: { node: "n2", cidr: "192.168.5.0/26", state: "confirmed" } },
        { spec: { node: "n1", cidr: "fd00:1::/122", state: "confirmed" } },
      ],
    };
    const n1 = computeNodeBgp(snapshot, "n1");
    expect(n1.ipv4.blocks).toEqual([
      { cidr: "192.168.1.192/26", state: "confirmed" },
      { cidr: "192.168.1.64/26", state: "confirmed" },
      { cidr: "192.168.4.0/26", state: "pendingDeletion" },
    ]);
    expect(n1.ipv6.blocks).toEqual([{ cidr: "fd00:1::/122", state: "confirmed" }]);
  });

  it("classifies pools by who programs their routes (programClusterRoutes)", () => {
    const pools: BgpSnapshot["ipPools"] = [
      { metadata: { name: "plain" }, spec: { cidr: "192.168.0.0/16" } },
      { metadata: { name: "ipip" }, spec: { cidr: "172.16.0.0/16", ipipMode: "Always" } },
      { metadata: { name: "vxlan" }, spec: { cidr: "172.17.0.0/16", vxlanMode: "CrossSubnet" } },
      { metadata: { name: "quiet" }, spec: { cidr: "172.18.0.0/16", disableBGPExport: true } },
    ];
    const nodes = [node("n1", "10.0.0.1")];
    const byDefault = computeNodeBgp({ nodes, ipPools: pools }, "n1");
    expect(byDefault.felixProgramsIpipRoutes).toBe(true);
    expect(byDefault.ipv4.pools.map((p) => [p.cidr, p.kernel, p.bgpExport])).toEqual([
      ["172.16.0.0/16", "felix", true],
      ["172.17.0.0/16", "vxlan", true],
      ["172.18.0.0/16", "bird", false],
      ["192.168.0.0/16", "bird", true],
    ]);
    const enabled = computeNodeBgp(
      {
        nodes,
        ipPools: pools,
        bgpConfigurations: [
          { metadata: { name: "default" }, spec: { programClusterRoutes: "Enabled" } },
        ],
      },
      "n1",
    );
    expect(enabled.felixProgramsIpipRoutes).toBe(false);
    expect(enabled.ipv4.pools[0]?.kernel).toBe("bird");
    expect(enabled.warnings.join("\n")).toMatch(/krt_tunnel/);
  });

  it("resolves prefixAdvertisements communities, node.<name> winning over default", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2")],
      bgpConfigurations: [
        {
          metadata: { name: "default" },
          spec: {
            communities: [{ name: "tagged", value: "65000:100" }],
            prefixAdvertisements: [
              { cidr: "192.168.0.0/16", communities: ["tagged", "65000:1:2", "unknown"] },
            ],
          },
        },
        {
          metadata: { name: "node.n2" },
          spec: { prefixAdvertisements: [{ cidr: "192.168.9.0/24", communities: ["1:2"] }] },
        },
      ],
    };
    expect(computeNodeBgp(snapshot, "n1").ipv4.communities).toEqual([
      { cidr: "192.168.0.0/16", communities: ["65000:100", "65000:1:2"] },
    ]);
    expect(computeNodeBgp(snapshot, "n2").ipv4.communities).toEqual([
      { cidr: "192.168.9.0/24", communities: ["1:2"] },
    ]);
  });

  it("maps logSeverityScreen to BIRD debug levels (node.<name> first)", () => {
    const level = (global?: string, perNode?: string) =>
      computeNodeBgp(
        {
          nodes: [node("n1", "10.0.0.1")],
          bgpConfigurations: [
            { metadata: { name: "default" }, spec: { logSeverityScreen: global } },
            { metadata: { name: "node.n1" }, spec: { logSeverityScreen: perNode } },
          ],
        },
        "n1",
      ).logLevel;
    expect(level()).toBe("info");
    expect(level("Info")).toBe("info");
    expect(level("Debug")).toBe("debug");
    expect(level("Warning")).toBe("none");
    expect(level("Info", "Debug")).toBe("debug");
  });

  it("sets listen address only for bindMode NodeIP on the default BGPConfiguration", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1")],
      bgpConfigurations: [{ metadata: { name: "default" }, spec: { bindMode: "NodeIP" } }],
    };
    expect(computeNodeBgp(snapshot, "n1").ipv4.listenAddress).toBe("10.0.0.1");
  });

  it("computeClusterBgp gives the same result per node as computeNodeBgp", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("rr", "10.0.0.1", { rr: "244.0.0.1", labels: rrLabel }), node("n2", "10.0.0.2")],
      bgpPeers: [peerWithRRs],
    };
    const all = computeClusterBgp(snapshot);
    expect([...all.keys()]).toEqual(["n2", "rr"]);
    expect(all.get("rr")).toEqual(computeNodeBgp(snapshot, "rr"));
  });

  it("throws BgpNodeNotFoundError for a node that is not in the snapshot", () => {
    expect(() => computeNodeBgp({ nodes: [node("n1", "10.0.0.1")] }, "n9")).toThrow(
      BgpNodeNotFoundError,
    );
  });
});
