import { describe, expect, test } from "vitest";
import { type BirdLine, BirdReplyReader } from "./BirdControl.js";
import {
  calicoPeerRows,
  daemonStatus,
  peerAddressFromName,
  protocolDetail,
  protocolRows,
  routeEntries,
  UnparsableRouteSource,
} from "./BirdOutput.js";

/** Raw control-socket replies captured from Debian BIRD 1.6.8 in a lab namespace. */
const raw = `0001 BIRD 1.6.8 ready.
1000-BIRD 1.6.8
1011-Router ID is 10.99.0.11
 Current server time is 2026-11-28 18:18:38
 Last reboot on 2026-11-28 18:18:32
 Last reconfiguration on 2026-11-28 18:18:32
0013 Daemon is up and running
2002-name     proto    table    state  since       info
1002-static1  Static   master   up     18:18:32    
 kernel1  Kernel   master   up     18:18:32    
 device1  Device   master   up     18:18:32    
 direct1  Direct   master   up     18:18:32    
 Mesh_10_99_0_12 BGP      master   up     18:18:34    Established   
 Node_10_99_0_99_port_1790 BGP      master   start  18:18:32    Connect       Socket: No route to host
 Global_10_99_0_15 BGP      master   down   18:18:32    
0000 
2002-name     proto    table    state  since       info
1002-Mesh_10_99_0_12 BGP      master   up     18:18:34    Established   
1006-  Description:    Connection to BGP peer
   Preference:     100
   Routes:         1 imported, 1 exported, 1 preferred
   BGP state:          Established
     Neighbor address: 10.99.0.12
     Neighbor AS:      64512
     Hold timer:       195/240
 
0000 
1007-192.168.1.0/26     blackhole [static1 18:18:32] * (200)
 192.168.2.0/26     via 10.99.0.12 on eth0 [Mesh_10_99_0_12 18:18:34] * (100/0) [i]
                    via 10.99.0.13 on eth0 [Node_10_99_0_13 18:18:35 from 10.99.0.13] (100/0) [i]
 10.99.0.0/16       dev eth0 [direct1 18:18:32] * (240)
0000 
`;

function replies(text: string): BirdLine[][] {
  const reader = new BirdReplyReader();
  return text
    .split("\n")
    .filter((line) => line !== "")
    .flatMap((line) => {
      const reply = reader.push(line);
      return reply ? [reply] : [];
    });
}

const [greeting = [], status = [], protocols = [], detail = [], routes = []] = replies(raw);

describe("BIRD replies", () => {
  test("assembles replies at the CODE<space> line", () => {
    expect(greeting).toEqual([{ code: "0001", text: "BIRD 1.6.8 ready." }]);
    expect(status.at(2)).toEqual({
      code: "1011",
      text: "Current server time is 2026-11-28 18:18:38",
    });
  });

  test("show status: upstream BIRD has no `BIRD v` line, so the version stays unset", () => {
    expect(daemonStatus("BIRD 1.6.8 ready.", status)).toEqual({
      state: "Ready",
      routerID: "10.99.0.11",
      lastBootTime: "2026-11-28 18:18:32",
      lastReconfigurationTime: "2026-11-28 18:18:32",
    });
    const fork = [{ code: "1000", text: "BIRD v0.3.3+birdv1.6.8" }];
    expect(daemonStatus("BIRD v0.3.3+birdv1.6.8 ready.", fork).version).toBe("v0.3.3+birdv1.6.8");
  });

  test("show protocols: Calico's peer filter keeps named BGP rows with 6+ fields", () => {
    const rows = protocolRows(protocols);
    expect(rows.map((r) => r.name)).toContain("kernel1");
    const peers = calicoPeerRows(rows);
    // The disabled Global_10_99_0_15 row has 5 fields and vanishes, as in Calico.
    expect(peers.map((p) => [p.kind, p.name, p.state, p.since, p.info])).toEqual([
      ["Mesh", "Mesh_10_99_0_12", "up", "18:18:34", "Established"],
      [
        "Node",
        "Node_10_99_0_99_port_1790",
        "start",
        "18:18:32",
        "Connect Socket: No route to host",
      ],
    ]);
  });

  test("show protocols all: BGP state and neighbor address", () => {
    expect(protocolDetail(detail)).toEqual({
      bgpState: "Established",
      neighborAddress: "10.99.0.12",
    });
  });

  test("show route: continuation lines inherit the destination; `*` marks FIB", () => {
    expect(routeEntries(routes, 4)).toEqual([
      {
        type: "FIB",
        destination: "192.168.1.0/26",
        gateway: "N/A",
        interface: "blackhole",
        learnedFrom: { sourceType: "Static" },
      },
      {
        type: "FIB",
        destination: "192.168.2.0/26",
        gateway: "10.99.0.12",
        interface: "eth0",
        learnedFrom: { sourceType: "NodeMesh", peerIP: "10.99.0.12" },
      },
      {
        type: "RIB",
        destination: "192.168.2.0/26",
        gateway: "10.99.0.13",
        interface: "eth0",
        learnedFrom: { sourceType: "BGPPeer", peerIP: "10.99.0.13" },
      },
      {
        type: "FIB",
        destination: "10.99.0.0/16",
        gateway: "N/A",
        interface: "eth0",
        learnedFrom: { sourceType: "Direct" },
      },
    ]);
  });

  test("show route: an unknown protocol name aborts, as calico-node's populator does", () => {
    const lines = [
      { code: "1007", text: "10.0.0.0/8 via 10.99.0.1 on eth0 [Local_Workload_x 1:00] *" },
    ];
    expect(() => routeEntries(lines, 4)).toThrow(UnparsableRouteSource);
  });

  test("peer addresses from protocol names", () => {
    expect(peerAddressFromName("10_99_0_14_port_1790", 4)).toBe("10.99.0.14");
    expect(peerAddressFromName("fd80_24e2_f998_72d7__2", 6)).toBe("fd80:24e2:f998:72d7::2");
  });
});
