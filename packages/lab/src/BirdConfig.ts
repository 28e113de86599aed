import type { BgpSession, NodeBgp, NodeBgpFamily, PoolRouting } from "./BgpTopology.js";
import type { IpFamily } from "./IpFamily.js";
import { compareStrings } from "./internal/bird/ClusterFacts.js";

/** BIRD's largest integer; Calico derives metrics and local preferences from it. */
const birdIntMax = 2147483647;
/** Preference that lets an elevated-priority BGP route beat a local workload route. */
const overridePreference = 200;

/**
 * Renders the BIRD 1.6 configuration calico-node's confd writes for one node and address family
 * (`bird.cfg` for 4, `bird6.cfg` for 6), with `bird_aggr.cfg` and `bird_ipam.cfg` inlined where
 * confd includes them, so the result is one self-contained file for `bird -p -c` / `bird -c`.
 *
 * Only upstream BIRD 1.6.8 syntax is emitted: Calico's fork-only `krt_tunnel` is left out (IPIP
 * pools that BIRD would program get a plain accept; `computeNodeBgp` warns about them). Protocol
 * names are confd's (`Mesh_*`, `Global_*`, `Node_*`) and BIRD's defaults (`static1`, `kernel1`,
 * `device1`, `direct1`); the output has no timestamps and a stable order, so re-rendering
 * unchanged state gives the same bytes and `birdc configure` keeps unchanged sessions.
 *
 * The control socket is not part of BIRD 1.6 configuration: pass it on the command line
 * (`bird -s <socket> -c <file>`), as calico-node does with `/var/run/calico/bird.ctl`.
 *
 * @example
 * ```ts
 * import { writeFile } from "node:fs/promises";
 *
 * const snapshot: BgpSnapshot = {
 *   nodes: [{ metadata: { name: "n1" }, spec: { bgp: { ipv4Address: "10.0.0.1/24" } } }],
 * };
 * const path = "/run/lab/n1/bird.cfg";
 * const node = computeNodeBgp(snapshot, "n1");
 * await writeFile(path, renderBirdConfig(node, 4));
 * // then: bird -p -c path && bird -s /run/lab/n1/bird.ctl -c path
 * ```
 */
export function renderBirdConfig(node: NodeBgp, family: IpFamily = 4): string {
  const bgp = family === 4 ? node.ipv4 : node.ipv6;
  const out: string[] = [
    `# BIRD ${family === 4 ? "" : "(bird6) "}configuration for node ${node.nodeName}, rendered as calico-node's confd does.`,
    `# ${family === 4 ? "bird_aggr.cfg and bird_ipam.cfg" : "bird6_aggr.cfg and bird6_ipam.cfg"} are inlined where confd includes them.`,
    "",
    ...communitiesFunction(bgp),
    "",
    "template kernel kernel_template {",
    "  learn;             # Learn all alien routes from the kernel",
    "  persist;           # Don't remove routes on bird shutdown",
    "  scan time 2;       # Scan kernel routing table every 2 seconds",
    "  import all;",
    "}",
    "",
    "template direct direct_template {",
    ...debugLine(node, "  "),
    `  interface ${[...node.ignoredInterfaces.map((i) => `-"${i}"`), '-"cali*"', '-"kube-ipvs*"', '"*"'].join(", ")};`,
    "}",
    "",
    ...aggregation(bgp),
    "",
    ...exportFunctions(node, bgp),
    "",
  ];
  if (node.routerId !== undefined) out.push(`router id ${node.routerId};`);
  if (bgp.listenAddress !== undefined || node.listenPort !== undefined) {
    const address = bgp.listenAddress === undefined ? "" : ` address ${bgp.listenAddress}`;
    const port = node.listenPort === undefined ? "" : ` port ${node.listenPort}`;
    out.push("# BGP listen configuration", `listen bgp${address}${port};`);
  }
  out.push(
    "",
    "# Configure synchronization between routing tables and kernel.",
    "protocol kernel from kernel_template {",
    "  export filter calico_kernel_programming; # Default is export none",
    "  graceful restart;  # Keep kernel routes stable across BIRD reconfiguration.",
    "  merge paths on;    # Allow export multipath routes (ECMP)",
    "}",
    "",
    "# Watch interface up/down events.",
    "protocol device {",
    ...debugLine(node, "  "),
    "  scan time 2;    # Scan interfaces every 2 seconds",
    "}",
    "",
    "protocol direct from direct_template {",
    "}",
    "",
  );
  if (bgp.nodeIP === undefined) {
    out.push(`# IPv${family} disabled on this node.`);
    return `${out.join("\n")}\n`;
  }
  out.push(
    "# Template for all BGP clients",
    "template bgp bgp_template {",
    ...peerDebugLine(node),
    '  description "Connection to BGP peer";',
    `  local as ${node.asNumber};`,
    "  gateway recursive; # This should be the default, but just in case.",
    "  add paths on;",
    "  graceful restart;  # See comment in kernel section about graceful restart.",
    "  connect delay time 2;",
    "  connect retry time 5;",
    "  error wait time 5,30;",
    "}",
    "",
    "# -------------- BGP Filters ------------------",
    `# No v${family} BGPFilters configured`,
  );
  if (bgp.sessions.length === 0) out.push("# No BGP peers configured for this node");
  else {
    out.push("# BGP Protocol Configurations");
    for (const session of bgp.sessions) out.push(...bgpProtocol(session, bgp));
  }
  return `${out.join("\n")}\n`;
}

function debugLine(node: NodeBgp, indent: string): string[] {
  if (node.logLevel === "none") return [];
  return [`${indent}debug ${node.logLevel === "debug" ? "all" : "{ states }"};`];
}

function peerDebugLine(node: NodeBgp): string[] {
  if (node.logLevel === "none") return [];
  return [
    node.logLevel === "debug" ? "  debug all;" : "  debug { states, routes, filters, events };",
  ];
}

function communitiesFunction(bgp: NodeBgpFamily): string[] {
  const lines = ["function apply_communities ()", "{"];
  for (const advertisement of bgp.communities) {
    lines.push(`      if ( net ~ ${advertisement.cidr} ) then {`);
    for (const community of advertisement.communities) {
      const parts = community.split(":");
      const attribute = parts.length === 3 ? "bgp_large_community" : "bgp_community";
      lines.push(`          ${attribute}.add((${parts.join(", ")}));`);
    }
    lines.push("      }");
  }
  lines.push("}");
  return lines;
}

/** bird_aggr.cfg: blackhole routes for the node's blocks and the `calico_aggr` export function. */
function aggregation(bgp: NodeBgpFamily): string[] {
  const hostBits = bgp.family === 4 ? "/32" : "/128";
  const blackholes = bgp.blocks.filter((block) => !block.cidr.endsWith(hostBits));
  const lines = ["protocol static {"];
  if (blackholes.length > 0) {
    lines.push("   # IP blocks for this host.");
    for (const block of blackholes) lines.push(`   route ${block.cidr} blackhole;`);
  }
  if (bgp.peerRoutes.length > 0) {
    lines.push("   # Static routes needed for BGP peers (reachableBy).");
    for (const route of bgp.peerRoutes) {
      lines.push(`   route ${route.ip}${hostBits} via ${route.via};`);
    }
  }
  if (blackholes.length === 0 && bgp.peerRoutes.length === 0) {
    lines.push("   # No IP blocks or static routes for this host.");
  }
  lines.push(
    "}",
    "",
    "# Aggregation of routes on this host; export the block, nothing beneath it.",
    "function calico_aggr ()",
    "{",
  );
  for (const block of bgp.blocks) {
    lines.push(
      block.state === ""
        ? `      # Block ${block.cidr} is implicitly confirmed.`
        : `      # Block ${block.cidr} is ${block.state}`,
    );
    if (block.state !== "" && block.state !== "confirmed") continue;
    lines.push(
      `      if ( net = ${block.cidr} ) then { accept; }`,
      `      if ( net ~ ${block.cidr} && krt_metric < ${bgp.normalRoutePriority} ) then { accept; }`,
      `      if ( net ~ ${block.cidr} ) then { reject; }`,
    );
  }
  lines.push("}");
  return lines;
}

/** bird_ipam.cfg: what may be exported to BGP peers and what is programmed into the kernel. */
function exportFunctions(node: NodeBgp, bgp: NodeBgpFamily): string[] {
  const tunnelInterfaces = ['"*.cali"', '"*.calico"'];
  // Routes via tunl0 are Felix's when Felix programs IPIP routes (the default).
  if (node.felixProgramsIpipRoutes) tunnelInterfaces.push('"tunl0"');
  const priority = bgp.normalRoutePriority;
  return [
    "function reject_tunnel_routes () {",
    "  # Don't export tunnel routes to other nodes, Felix programs them.",
    "  if (defined(ifname)) then {",
    `     if (${tunnelInterfaces.map((name) => `(ifname ~ ${name})`).join(" || ")}) then {`,
    "        reject;",
    "     }",
    "  }",
    "}",
    "",
    "function reject_local_routes () {",
    "  # Don't export local routes learned via BPF as they should never leave the node.",
    "  if (defined(ifname)) then {",
    '     if (ifname ~ "bpf*.cali") then {',
    "        reject;",
    "     }",
    "  }",
    "}",
    "",
    "function calico_export_to_bgp_peers(bool internal_peer) {",
    "  # filter code terminates when it calls `accept;` or `reject;`,",
    ...sortedLines(
      bgp.pools
        .filter((pool) => !pool.bgpExport)
        .map((pool) => poolLine(pool.cidr, "reject", "BGP export is disabled.")),
    ),
    "  if (internal_peer) then {",
    "    reject_tunnel_routes();",
    "  }",
    "  reject_local_routes();",
    "  apply_communities();",
    "  calico_aggr();",
    ...sortedLines(
      bgp.pools.filter((pool) => pool.bgpExport).map((pool) => poolLine(pool.cidr, "accept")),
    ),
    "}",
    "",
    "filter calico_kernel_programming {",
    "  if (defined(source) && (source = RTS_BGP) && !defined(krt_metric)) then {",
    `      krt_metric = ${priority};`,
    "      if (defined(bgp_local_pref)) then {",
    `          krt_metric = ${birdIntMax} - bgp_local_pref;`,
    "      }",
    `      if (krt_metric < ${priority}) then {`,
    `          preference = ${overridePreference};`,
    "      }",
    "  }",
    ...sortedLines(
      bgp.pools
        .map((pool) => kernelPoolLine(pool))
        // bird6 lists only the rejections: its filter ends in accept anyway.
        .filter((line) => bgp.family === 4 || !line.includes("accept;")),
    ),
    "  accept;",
    "}",
  ];
}

function kernelPoolLine(pool: PoolRouting): string {
  switch (pool.kernel) {
    case "vxlan":
      return poolLine(pool.cidr, "reject", "VXLAN routes are handled by Felix.");
    case "felix":
      return poolLine(pool.cidr, "reject", "Cluster routes are handled by Felix.");
    case "bird":
      return poolLine(pool.cidr, "accept");
  }
}

function poolLine(cidr: string, action: "accept" | "reject", comment?: string): string {
  return `  if (net ~ ${cidr}) then { ${action}; }${comment === undefined ? "" : ` # ${comment}`}`;
}

/** confd sorts the pool statements as strings. */
function sortedLines(lines: string[]): string[] {
  return lines.sort(compareStrings);
}

function bgpProtocol(session: BgpSession, bgp: NodeBgpFamily): string[] {
  const lines = [`protocol bgp ${session.name} from bgp_template {`];
  if (session.localASNumber !== undefined) lines.push(`  local as ${session.localASNumber};`);
  const port = session.port === undefined ? "" : ` port ${session.port}`;
  lines.push(`  neighbor ${session.peerIP}${port} as ${session.peerASNumber};`);
  if (session.sourceAddress !== undefined) {
    lines.push(
      `  source address ${session.sourceAddress};  # The local address we use for the TCP connection`,
    );
  }
  if (session.ttlSecurityHops === undefined) lines.push("  ttl security off;", "  multihop;");
  else lines.push("  ttl security on;", `  multihop ${session.ttlSecurityHops};`);
  lines.push(
    "  import filter {",
    `    if (defined(bgp_local_pref)&&(bgp_local_pref > ${birdIntMax - bgp.normalRoutePriority})) then`,
    `      preference = ${overridePreference};`,
    "    accept;",
    "  };",
    "  export filter {",
    "    if (defined(source) && source = RTS_BGP && defined(bgp_local_pref)) then {",
    `      krt_metric = ${birdIntMax} - bgp_local_pref;`,
    "    } else {",
    `      if (!defined(krt_metric)) then { krt_metric = ${bgp.normalRoutePriority}; }`,
    `      bgp_local_pref = ${birdIntMax} - krt_metric;`,
    "    }",
    `    calico_export_to_bgp_peers(${session.internalPeer});`,
    "    reject;",
    "  };  # Only want to export routes for workloads.",
  );
  if (session.passive) lines.push("  passive on;");
  if (session.gracefulRestartTime !== undefined) {
    lines.push(`  graceful restart time ${session.gracefulRestartTime};`);
  }
  if (session.keepaliveTime !== undefined) lines.push(`  keepalive time ${session.keepaliveTime};`);
  if (session.routeReflectorClient && session.rrClusterId !== undefined) {
    lines.push("  rr client;", `  rr cluster id ${session.rrClusterId};`);
  }
  // Written as is, like confd: BIRD 1.6 strings have no escapes.
  if (session.password !== undefined) lines.push(`  password "${session.password}";`);
  if (session.nextHopKeep) lines.push("  next hop keep;");
  if (session.nextHopSelf) lines.push("  next hop self;");
  if (session.allowLocalAS !== undefined) lines.push(`  allow local as ${session.allowLocalAS};`);
  lines.push("}");
  return lines;
}
