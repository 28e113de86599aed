import { describe, expect, it } from "vitest";
import type { BgpSnapshot, SnapshotNode } from "./BgpSnapshot.js";
import { computeNodeBgp } from "./BgpTopology.js";
import { renderBirdConfig } from "./BirdConfig.js";

function node(
  name: string,
  ipv4: string | undefined,
  bgp: Record<string, unknown> = {},
): SnapshotNode {
  return {
    metadata: { name, labels: {} },
    spec: { bgp: { ...(ipv4 === undefined ? {} : { ipv4Address: ipv4 }), ...bgp } },
  };
}

function render(snapshot: BgpSnapshot, nodeName: string, family: 4 | 6 = 4): string {
  return renderBirdConfig(computeNodeBgp(snapshot, nodeName), family);
}

/** The text of one `protocol bgp <name>` block. */
function protocolBlock(config: string, name: string): string {
  const start = config.indexOf(`protocol bgp ${name} from bgp_template {`);
  if (start === -1) throw new Error(`no protocol ${name} in:\n${config}`);
  return config.slice(start, config.indexOf("\n}", start) + 2);
}

describe("renderBirdConfig", () => {
  const mesh: BgpSnapshot = { nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2")] };

  it("is deterministic and leaves existing protocol blocks unchanged when a peer is added", () => {
    const before = render(mesh, "n1");
    expect(render(mesh, "n1")).toBe(before);
    const after = render({ nodes: [...mesh.nodes, node("n3", "10.0.0.3")] }, "n1");
    expect(protocolBlock(after, "Mesh_10_0_0_2")).toBe(protocolBlock(before, "Mesh_10_0_0_2"));
    expect(after).toContain("protocol bgp Mesh_10_0_0_3 from bgp_template {");
  });

  it("renders router id, template AS and the mesh session with calico's options", () => {
    const config = render(mesh, "n1");
    expect(config).toContain("router id 10.0.0.1;");
    expect(config).toContain("  local as 64512;");
    expect(protocolBlock(config, "Mesh_10_0_0_2")).toContain(
      [
        "  neighbor 10.0.0.2 as 64512;",
        "  source address 10.0.0.1;  # The local address we use for the TCP connection",
        "  ttl security off;",
        "  multihop;",
      ].join("\n"),
    );
    expect(protocolBlock(config, "Mesh_10_0_0_2")).toContain("calico_export_to_bgp_peers(true);");
    expect(protocolBlock(config, "Mesh_10_0_0_2")).toContain("  passive on;");
    expect(protocolBlock(render(mesh, "n2"), "Mesh_10_0_0_1")).not.toContain("passive on;");
  });

  it("renders every per-peer option in confd's order", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("rr", "10.0.0.1", { routeReflectorClusterID: "244.0.0.1" })],
      bgpPeers: [
        {
          metadata: { name: "tor" },
          spec: {
            peerIP: "192.0.2.1:1790",
            asNumber: 65001,
            localASNumber: 65001,
            ttlSecurity: 2,
            maxRestartTime: "2m",
            keepaliveTime: "10s",
            password: { secretKeyRef: { name: "s", key: "k" } },
            nextHopMode: "Self",
            numAllowedLocalASNumbers: 1,
          },
        },
      ],
      resolveSecret: () => "pw",
    };
    expect(protocolBlock(render(snapshot, "rr"), "Global_192_0_2_1_port_1790")).toBe(
      [
        "protocol bgp Global_192_0_2_1_port_1790 from bgp_template {",
        "  local as 65001;",
        "  neighbor 192.0.2.1 port 1790 as 65001;",
        "  source address 10.0.0.1;  # The local address we use for the TCP connection",
        "  ttl security on;",
        "  multihop 2;",
        "  import filter {",
        "    if (defined(bgp_local_pref)&&(bgp_local_pref > 2147482623)) then",
        "      preference = 200;",
        "    accept;",
        "  };",
        "  export filter {",
        "    if (defined(source) && source = RTS_BGP && defined(bgp_local_pref)) then {",
        "      krt_metric = 2147483647 - bgp_local_pref;",
        "    } else {",
        "      if (!defined(krt_metric)) then { krt_metric = 1024; }",
        "      bgp_local_pref = 2147483647 - krt_metric;",
        "    }",
        "    calico_export_to_bgp_peers(true);",
        "    reject;",
        "  };  # Only want to export routes for workloads.",
        "  graceful restart time 120;",
        "  keepalive time 10;",
        "  rr client;",
        "  rr cluster id 244.0.0.1;",
        '  password "pw";',
        "  next hop self;",
        "  allow local as 1;",
        "}",
      ].join("\n"),
    );
  });

  it("passes false to the export function for eBGP peers and renders next hop keep", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1")],
      bgpPeers: [
        {
          metadata: { name: "tor" },
          spec: {
            peerIP: "192.0.2.1",
            asNumber: 65001,
            keepOriginalNextHop: true,
            sourceAddress: "None",
          },
        },
      ],
    };
    const block = protocolBlock(render(snapshot, "n1"), "Global_192_0_2_1");
    expect(block).toContain("calico_export_to_bgp_peers(false);");
    expect(block).toContain("  next hop keep;");
    expect(block).not.toContain("source address");
  });

  it("renders listen address and port when configured", () => {
    const snapshot: BgpSnapshot = {
      ...mesh,
      bgpConfigurations: [
        { metadata: { name: "default" }, spec: { bindMode: "NodeIP", listenPort: 1790 } },
      ],
    };
    expect(render(snapshot, "n1")).toContain("listen bgp address 10.0.0.1 port 1790;");
    expect(render(mesh, "n1")).not.toContain("listen bgp");
  });

  it("maps the log level onto debug lines", () => {
    const withLevel = (logSeverityScreen: string) =>
      render(
        {
          ...mesh,
          bgpConfigurations: [{ metadata: { name: "default" }, spec: { logSeverityScreen } }],
        },
        "n1",
      );
    expect(withLevel("Info")).toContain("  debug { states, routes, filters, events };");
    expect(withLevel("Debug")).toContain("  debug all;");
    expect(withLevel("Error")).not.toContain("debug");
  });

  it("excludes ignoredInterfaces, cali* and kube-ipvs* from the direct protocol", () => {
    const snapshot: BgpSnapshot = {
      ...mesh,
      bgpConfigurations: [{ metadata: { name: "default" }, spec: { ignoredInterfaces: ["eth9"] } }],
    };
    expect(render(snapshot, "n1")).toContain('  interface -"eth9", -"cali*", -"kube-ipvs*", "*";');
  });

  it("stops after the base protocols when the family has no node address", () => {
    const config = render({ nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2")] }, "n1", 6);
    expect(config).toContain("router id 10.0.0.1;");
    expect(config.trimEnd().endsWith("# IPv6 disabled on this node.")).toBe(true);
    expect(config).not.toContain("protocol bgp");
  });

  it("says so when a node has no peers", () => {
    expect(render({ nodes: [node("n1", "10.0.0.1")] }, "n1")).toContain(
      "# No BGP peers configured for this node",
    );
  });

  it("blackholes and aggregates the node's blocks, and routes reachableBy peers", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1")],
      blockAffinities: [
        { spec: { node: "n1", cidr: "192.168.0.0/26", state: "confirmed" } },
        { spec: { node: "n1", cidr: "192.168.9.9/32", state: "" } },
        { spec: { node: "n1", cidr: "192.168.1.0/26", state: "pendingDeletion" } },
      ],
      bgpPeers: [
        {
          metadata: { name: "far" },
          spec: { peerIP: "192.0.2.1", asNumber: 65001, reachableBy: "10.0.0.254" },
        },
      ],
    };
    const config = render(snapshot, "n1");
    expect(config).toContain(
      [
        "protocol static {",
        "   # IP blocks for this host.",
        "   route 192.168.0.0/26 blackhole;",
        "   route 192.168.1.0/26 blackhole;",
        "   # Static routes needed for BGP peers (reachableBy).",
        "   route 192.0.2.1/32 via 10.0.0.254;",
        "}",
      ].join("\n"),
    );
    expect(config).toContain("      if ( net = 192.168.0.0/26 ) then { accept; }");
    expect(config).toContain("      # Block 192.168.9.9/32 is implicitly confirmed.");
    expect(config).toContain("      if ( net ~ 192.168.9.9/32 ) then { reject; }");
    expect(config).toContain(
      "      # Block 192.168.1.0/26 is pendingDeletion\n      # Block 192.168.9.9/32",
    );
    expect(render({ nodes: [node("n1", "10.0.0.1")] }, "n1")).toContain(
      "protocol static {\n   # No IP blocks or static routes for this host.\n}",
    );
  });

  it("writes pool rules into the export and kernel filters", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1", { ipv6Address: "fd00::1" })],
      ipPools: [
        { metadata: { name: "a" }, spec: { cidr: "192.168.0.0/16" } },
        { metadata: { name: "b" }, spec: { cidr: "172.16.0.0/16", ipipMode: "Always" } },
        { metadata: { name: "c" }, spec: { cidr: "172.17.0.0/16", vxlanMode: "Always" } },
        { metadata: { name: "d" }, spec: { cidr: "172.18.0.0/16", disableBGPExport: true } },
        { metadata: { name: "e" }, spec: { cidr: "fd00:1::/48" } },
        { metadata: { name: "f" }, spec: { cidr: "fd00:2::/48", vxlanMode: "Always" } },
      ],
    };
    const config = render(snapshot, "n1");
    expect(config).toContain(
      [
        "  # filter code terminates when it calls `accept;` or `reject;`,",
        "  if (net ~ 172.18.0.0/16) then { reject; } # BGP export is disabled.",
        "  if (internal_peer) then {",
      ].join("\n"),
    );
    expect(config).toContain(
      [
        "  calico_aggr();",
        "  if (net ~ 172.16.0.0/16) then { accept; }",
        "  if (net ~ 172.17.0.0/16) then { accept; }",
        "  if (net ~ 192.168.0.0/16) then { accept; }",
        "}",
      ].join("\n"),
    );
    expect(config).toContain(
      [
        "  if (net ~ 172.16.0.0/16) then { reject; } # Cluster routes are handled by Felix.",
        "  if (net ~ 172.17.0.0/16) then { reject; } # VXLAN routes are handled by Felix.",
        "  if (net ~ 172.18.0.0/16) then { accept; }",
        "  if (net ~ 192.168.0.0/16) then { accept; }",
        "  accept;",
      ].join("\n"),
    );
    expect(config).not.toContain("krt_tunnel");
    const config6 = render(snapshot, "n1", 6);
    expect(config6).toContain(
      "  if (net ~ fd00:1::/48) then { accept; }\n  if (net ~ fd00:2::/48) then { accept; }\n}",
    );
    expect(config6).toContain(
      "  if (net ~ fd00:2::/48) then { reject; } # VXLAN routes are handled by Felix.\n  accept;\n}",
    );
  });

  it("rejects routes via tunl0 on iBGP export only while Felix programs IPIP routes", () => {
    const tunl0 = '(ifname ~ "tunl0")';
    expect(render(mesh, "n1")).toContain(tunl0);
    const birdIpip: BgpSnapshot = {
      ...mesh,
      bgpConfigurations: [
        { metadata: { name: "default" }, spec: { programClusterRoutes: "Enabled" } },
      ],
    };
    expect(render(birdIpip, "n1")).not.toContain(tunl0);
  });

  it("renders community advertisements", () => {
    const snapshot: BgpSnapshot = {
      nodes: [node("n1", "10.0.0.1")],
      bgpConfigurations: [
        {
          metadata: { name: "default" },
          spec: {
            prefixAdvertisements: [{ cidr: "192.168.0.0/16", communities: ["65000:100", "1:2:3"] }],
          },
        },
      ],
    };
    expect(render(snapshot, "n1")).toContain(
      [
        "function apply_communities ()",
        "{",
        "      if ( net ~ 192.168.0.0/16 ) then {",
        "          bgp_large_community.add((1, 2, 3));",
        "          bgp_community.add((65000, 100));",
        "      }",
        "}",
      ].join("\n"),
    );
  });
});
