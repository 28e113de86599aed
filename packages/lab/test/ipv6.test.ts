import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Lab } from "../src/Lab.js";
import { waitFor } from "./support/birdc.js";

let lab: Lab;

beforeAll(async () => {
  lab = await Lab.up({ name: `v6-${process.pid % 1000}`, nodes: 3, ipv6: true, calicoApi: "v3" });
});

afterAll(async () => {
  await lab?.down();
});

test("with ipv6, bird6 meshes over the nodes' IPv6 addresses and programs the IPv6 blocks", async () => {
  const nodes = lab.status().nodes;
  const bgp6 = (socket: string) =>
    execFileSync("birdc6", ["-s", socket, "show", "protocols"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(" BGP "));
  await waitFor(
    "IPv6 mesh",
    20_000,
    () =>
      nodes.every(
        (n) =>
          bgp6(n.bird6Socket).filter((l) => /^Mesh_fd99__\d+ .* up .*Established/.test(l))
            .length === 2,
      ),
    () => nodes.map((n) => bgp6(n.bird6Socket).join("\n")).join("\n"),
  );
  await waitFor("IPv6 routes", 10_000, () =>
    nodes.every((n) =>
      nodes
        .filter((o) => o.name !== n.name)
        .every((o) =>
          execFileSync("ip", ["-n", n.netns, "-6", "route"], { encoding: "utf8" }).includes(
            `${o.podCIDRv6} via ${o.ipv6} `,
          ),
        ),
    ),
  );
  expect(nodes[0]).toMatchObject({ ipv6: "fd99::11", podCIDRv6: "fd00:10:244::/122" });
});
