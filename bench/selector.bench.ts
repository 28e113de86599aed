import { parseSelector } from "@calicokit/types";
import { test } from "vitest";

// Target (issue 3): >= 10 million evaluations/s of this selector on a 10-label map, one core.
const text = 'has(route-reflector) && zone in {"a","b"}';

/** A node's labels as they come from the API server: 10 labels, same keys in the same order. */
function nodeLabels(i: number): Record<string, string> {
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": `node-${i}`,
    "kubernetes.io/os": "linux",
    "node-role.kubernetes.io/worker": "",
    "topology.kubernetes.io/region": "eu-west",
    zone: ["a", "b", "c"][i % 3] ?? "a",
    rack: `r${i % 16}`,
    "route-reflector": i % 4 === 0 ? "true" : "",
  };
  // Every tenth node lacks the label, so both && branches are exercised.
  if (i % 10 === 9) delete labels["route-reflector"];
  return labels;
}

// A local binding: the module runner's export getters would otherwise be timed with every call.
const parse = parseSelector;
const selector = parse(text);
const oneMap = nodeLabels(0);
const nodes = Array.from({ length: 1000 }, (_, i) => nodeLabels(i));
/** The same labels inserted in rotated orders: many hidden classes, the slow (megamorphic) case. */
const mixedShapes = nodes.map((labels, i) => {
  const entries = Object.entries(labels);
  const k = i % entries.length;
  return Object.fromEntries([...entries.slice(k), ...entries.slice(0, k)]);
});
let sink = 0;

/** Evaluations per bench iteration: ops/s of the evaluate benches times 1000 is evaluations/s. */
const batch = 1000;

test("selector: parse and compiled evaluation", async ({ bench }) => {
  let n = 0;
  await bench.compare(
    bench("parse (cache miss, distinct text each time)", () => {
      n = (n + 1) % 1_000_000;
      const miss = parse(`has(route-reflector) && zone in {"a","b${n}"}`);
      if (miss.matches(oneMap)) sink++;
    }),
    bench("parse (cache hit)", () => {
      if (parse(text).matches(oneMap)) sink++;
    }),
    bench(`evaluate on one 10-label map x${batch}`, () => {
      for (let i = 0; i < batch; i++) if (selector.matches(oneMap)) sink++;
    }),
    bench(`evaluate on ${nodes.length} different 10-label maps`, () => {
      for (const labels of nodes) if (selector.matches(labels)) sink++;
    }),
    bench(`evaluate on ${mixedShapes.length} maps with key orders rotated`, () => {
      for (const labels of mixedShapes) if (selector.matches(labels)) sink++;
    }),
  );
});

// Keeps the results observable so the engine cannot drop the evaluations.
process.on("exit", () => {
  if (sink === -1) console.log(sink);
});
