import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";
import { Lab } from "../src/Lab.js";
import { birdcBgp, established, waitFor } from "./support/birdc.js";

// How fast is measured in bench/lab.bench.ts; this test holds the convergence itself, with a
// deadline generous enough for a loaded machine.
test("a 20-node lab reaches a full mesh (380 sessions Established)", {
  timeout: 240_000,
}, async () => {
  const started = Date.now();
  const lab = await Lab.up({
    name: `scale-${process.pid % 1000}`,
    nodes: 20,
    zones: 3,
    calicoApi: "v3",
  });
  try {
    const upMs = Date.now() - started;
    const nodes = lab.status().nodes;
    const meshMs = await waitFor(
      "20-node full mesh",
      150_000,
      () =>
        nodes.every((n) => {
          const bgp = birdcBgp(n.birdSocket);
          return bgp.length === 19 && bgp.every(established);
        }),
      () =>
        nodes
          .map((n) => `${n.name}: ${birdcBgp(n.birdSocket).filter(established).length}/19`)
          .join(", "),
    );
    const total = Date.now() - started;
    const routes = execFileSync("ip", ["-n", nodes[0]?.netns ?? "", "route"], { encoding: "utf8" });
    console.log(
      `20 nodes: Lab.up ${upMs} ms, then full mesh (380 sessions Established) after ${meshMs} ms: ${total} ms in all; node-1 has ${routes.split("\n").filter((l) => l.includes("proto bird") && l.includes(" via ")).length} BIRD routes`,
    );
    expect(routes).toContain("proto bird");
  } finally {
    await lab.down();
  }
});
