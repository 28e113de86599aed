import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BgpSnapshot,
  computeNodeBgp,
  type IpFamily,
  renderBirdConfig,
  type SnapshotNode,
} from "../src/index.js";

// Golden BIRD configs for representative topologies, each checked by the real BIRD 1.6 parser.
// Regenerate after an intended change with: UPDATE_GOLDEN=1 vitest run --project integration <this file>

const run = promisify(execFile);
const goldenDir = join(import.meta.dirname, "golden");
const update = process.env.UPDATE_GOLDEN === "1";

function node(
  name: string,
  ipv4: string,
  extra: { labels?: Record<string, string>; rr?: string; ipv6?: string; asNumber?: number } = {},
): SnapshotNode {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...extra.labels } },
    spec: {
      bgp: {
        ipv4Address: `${ipv4}/24`,
        ...(extra.ipv6 === undefined ? {} : { ipv6Address: `${extra.ipv6}/64` }),
        ...(extra.asNumber === undefined ? {} : { asNumber: extra.asNumber }),
        ...(extra.rr === undefined ? {} : { routeReflectorClusterID: extra.rr }),
      },
    },
  };
}

/** The lab's IPAM: one default no-encap pool, one confirmed /26 per node. */
function ipam(names: readonly string[]): Pick<BgpSnapshot, "ipPools" | "blockAffinities"> {
  return {
    ipPools: [
      {
        metadata: { name: "default-ipv4-ippool" },
        spec: { cidr: "192.168.0.0/16", ipipMode: "Never", vxlanMode: "Never" },
      },
    ],
    blockAffinities: names.map((name, index) => ({
      spec: { node: name, cidr: `192.168.${index}.0/26`, state: "confirmed", deleted: false },
    })),
  };
}

const rr = { "route-reflector": "true" };
const meshOff = { metadata: { name: "default" }, spec: { nodeToNodeMeshEnabled: false } };
const peerWithRRs = {
  metadata: { name: "peer-with-route-reflectors" },
  spec: { nodeSelector: "all()", peerSelector: "route-reflector == 'true'" },
};
const rrsWithRRs = {
  metadata: { name: "rr-mesh" },
  spec: { nodeSelector: "route-reflector == 'true'", peerSelector: "route-reflector == 'true'" },
};
const names4 = ["n1", "n2", "n3", "n4"];

const mesh: BgpSnapshot = {
  nodes: [
    node("n1", "10.0.0.1"),
    node("n2", "10.0.0.2"),
    node("n3", "10.0.0.3"),
    node("n4", "10.0.0.4"),
  ],
  ...ipam(names4),
};
const meshWithOneRR: BgpSnapshot = {
  ...mesh,
  nodes: [
    node("n1", "10.0.0.1", { rr: "244.0.0.1", labels: rr }),
    node("n2", "10.0.0.2"),
    node("n3", "10.0.0.3"),
    node("n4", "10.0.0.4"),
  ],
  bgpPeers: [peerWithRRs],
};
function twoRRs(id1: string, id2: string): BgpSnapshot {
  return {
    nodes: [
      node("n1", "10.0.0.1", { rr: id1, labels: rr }),
      node("n2", "10.0.0.2", { rr: id2, labels: rr }),
      node("n3", "10.0.0.3"),
      node("n4", "10.0.0.4"),
    ],
    bgpConfigurations: [meshOff],
    bgpPeers: [peerWithRRs, rrsWithRRs],
    ...ipam(names4),
  };
}
const globalExternal: BgpSnapshot = {
  ...mesh,
  bgpConfigurations: [{ metadata: { name: "default" }, spec: { asNumber: 64512 } }],
  bgpPeers: [{ metadata: { name: "tor" }, spec: { peerIP: "192.0.2.1", asNumber: 65001 } }],
};
const peerWithPort: BgpSnapshot = {
  nodes: [node("n1", "10.0.0.1"), node("n2", "10.0.0.2")],
  bgpConfigurations: [
    { metadata: { name: "default" }, spec: { nodeToNodeMeshEnabled: false, listenPort: 1790 } },
  ],
  bgpPeers: [
    {
      metadata: { name: "tor" },
      spec: { peerIP: "192.0.2.1:1791", asNumber: 65001, ttlSecurity: 1 },
    },
    { metadata: { name: "n1-to-n2" }, spec: { node: "n1", peerIP: "10.0.0.2", asNumber: 64512 } },
  ],
  ...ipam(["n1", "n2"]),
};
const passivePair: BgpSnapshot = {
  nodes: [node("n9", "10.0.0.9"), node("n10", "10.0.0.10")],
  ...ipam(["n9", "n10"]),
};
const dualStack: BgpSnapshot = {
  nodes: [
    node("n1", "10.0.0.1", { ipv6: "fd00:99::1" }),
    node("n2", "10.0.0.2", { ipv6: "fd00:99::2", rr: "244.0.0.1", labels: rr }),
    node("n3", "10.0.0.3", { ipv6: "fd00:99::3" }),
  ],
  bgpPeers: [peerWithRRs],
  ipPools: [
    { metadata: { name: "v4" }, spec: { cidr: "192.168.0.0/16" } },
    { metadata: { name: "v6" }, spec: { cidr: "fd00:100::/48" } },
  ],
  blockAffinities: [
    { spec: { node: "n1", cidr: "192.168.0.0/26", state: "confirmed" } },
    { spec: { node: "n1", cidr: "fd00:100:0:1::/122", state: "confirmed" } },
  ],
};

const cases: readonly { golden: string; snapshot: BgpSnapshot; node: string; family: IpFamily }[] =
  [
    { golden: "mesh-n1", snapshot: mesh, node: "n1", family: 4 },
    { golden: "mesh-one-rr-client", snapshot: meshWithOneRR, node: "n2", family: 4 },
    { golden: "mesh-one-rr-reflector", snapshot: meshWithOneRR, node: "n1", family: 4 },
    {
      golden: "rrs-shared-cluster-rr1",
      snapshot: twoRRs("244.0.0.1", "244.0.0.1"),
      node: "n1",
      family: 4,
    },
    {
      golden: "rrs-shared-cluster-client",
      snapshot: twoRRs("244.0.0.1", "244.0.0.1"),
      node: "n3",
      family: 4,
    },
    {
      golden: "rrs-per-rr-cluster-rr1",
      snapshot: twoRRs("244.0.0.1", "244.0.0.2"),
      node: "n1",
      family: 4,
    },
    { golden: "global-external-peer", snapshot: globalExternal, node: "n2", family: 4 },
    { golden: "peer-with-port-n1", snapshot: peerWithPort, node: "n1", family: 4 },
    { golden: "peer-with-port-n2", snapshot: peerWithPort, node: "n2", family: 4 },
    { golden: "passive-10.0.0.9", snapshot: passivePair, node: "n9", family: 4 },
    { golden: "passive-10.0.0.10", snapshot: passivePair, node: "n10", family: 4 },
    { golden: "dual-stack-n1-bird6", snapshot: dualStack, node: "n1", family: 6 },
    { golden: "dual-stack-rr-bird6", snapshot: dualStack, node: "n2", family: 6 },
  ];

let workDir = "";
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "calicokit-bird-parse-"));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** Runs `bird -p` (or `bird6 -p`) on a config; BIRD must be installed, else this fails. */
async function birdParse(
  config: string,
  family: IpFamily,
  name: string,
): Promise<{ ok: boolean; output: string }> {
  const file = join(workDir, `${name}.cfg`);
  await writeFile(file, config);
  const binary = family === 4 ? "bird" : "bird6";
  try {
    const { stdout, stderr } = await run(binary, ["-p", "-c", file]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string; stdout?: string };
    if (failure.code === "ENOENT") {
      throw new Error(
        `${binary} is not installed; install BIRD 1.6 (Debian package "bird") to run these checks.`,
      );
    }
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe("rendered BIRD configs match their golden files and parse with real BIRD 1.6", () => {
  for (const testCase of cases) {
    it(testCase.golden, async () => {
      const config = renderBirdConfig(
        computeNodeBgp(testCase.snapshot, testCase.node),
        testCase.family,
      );
      const goldenPath = join(goldenDir, `${testCase.golden}.cfg`);
      if (update) await writeFile(goldenPath, config);
      expect(config).toBe(await readFile(goldenPath, "utf8"));
      const parsed = await birdParse(config, testCase.family, testCase.golden);
      expect(parsed.output).toBe("");
      expect(parsed.ok).toBe(true);
    });
  }

  it("the parse check is real: Calico's fork-only krt_tunnel is rejected by upstream BIRD", async () => {
    const config = renderBirdConfig(computeNodeBgp(mesh, "n1"), 4).replace(
      "  if (net ~ 192.168.0.0/16) then { accept; }\n  accept;",
      '  if (net ~ 192.168.0.0/16) then { krt_tunnel = "tunl0"; accept; }\n  accept;',
    );
    expect(config).toContain("krt_tunnel");
    const parsed = await birdParse(config, 4, "krt-tunnel");
    expect(parsed.ok).toBe(false);
    expect(parsed.output).toMatch(/You may set only variables/);
  });

  it("goldens contain the rules they exist for", async () => {
    const golden = (name: string) => readFile(join(goldenDir, `${name}.cfg`), "utf8");
    expect(await golden("mesh-one-rr-reflector")).toContain(
      "rr client;\n  rr cluster id 244.0.0.1;",
    );
    expect(await golden("mesh-one-rr-reflector")).not.toContain("Mesh_");
    expect(await golden("rrs-shared-cluster-rr1")).toMatch(
      /protocol bgp Node_10_0_0_2 from bgp_template \{(?:(?!\n\}).)*\n\}/s,
    );
    expect((await golden("rrs-shared-cluster-rr1")).match(/rr client;/g)).toHaveLength(2);
    expect((await golden("rrs-per-rr-cluster-rr1")).match(/rr client;/g)).toHaveLength(3);
    expect(await golden("peer-with-port-n1")).toContain(
      "protocol bgp Global_192_0_2_1_port_1791 from bgp_template {\n  neighbor 192.0.2.1 port 1791 as 65001;",
    );
    expect(await golden("passive-10.0.0.10")).toContain("passive on;");
    expect(await golden("passive-10.0.0.9")).not.toContain("passive on;");
  });
});
