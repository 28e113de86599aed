import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { CalicoClient } from "@calicokit/client";
import { type ControlPlane, type KubeHttp, startControlPlane } from "@calicokit/testkit";
import type { BgpPeer } from "@calicokit/types";
import { afterAll, beforeAll, expect, test } from "vitest";

// Issue 4 targets, measured (never asserted): create/list/delete 1,000 BGPPeers with the client
// at >= 0.8x raw HTTP and >= 3x kubectl (one multi-document apply), all at the same
// concurrency against one real apiserver; listing 5,000 Nodes streams with < 100 MB extra.
// Run: cd bench && vitest run client.bench.ts
const count = 1000;
const concurrency = 16;
const nodeCount = 5000;
const kubectlBin = resolve(import.meta.dirname, "../.tools/bin/kubectl");

let cp: ControlPlane;
let raw: KubeHttp;
const results: { tool: string; phase: string; seconds: number }[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ calicoApi: "v3" });
  raw = cp.http();
}, 180_000);
afterAll(async () => {
  raw?.close();
  await cp?.stop();
});

function peer(name: string, batch: string): BgpPeer {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: { name, labels: { batch } },
    spec: { peerIP: "192.0.2.1", asNumber: 64512, nodeSelector: "all()" },
  } as BgpPeer;
}

/** Runs `work` over `items` with `concurrency` workers. */
async function pool<T>(items: readonly T[], work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
    }),
  );
}

async function timed(tool: string, phase: string, run: () => Promise<unknown>) {
  const started = performance.now();
  await run();
  results.push({ tool, phase, seconds: (performance.now() - started) / 1000 });
}

const collection = "/apis/projectcalico.org/v3/bgppeers";

test("create, list, delete 1,000 BGPPeers: client vs raw HTTP vs kubectl", async () => {
  const client = await CalicoClient.connect({
    kubeconfigPath: cp.admin.kubeconfigPath,
    // measure the client itself, not its politeness: the default limit is 50 QPS
    rateLimit: false,
  });
  const names = (batch: string) => Array.from({ length: count }, (_, i) => `${batch}-${i}`);

  // warm-up: connections and JIT for every tool
  await pool(names("warm").slice(0, 50), (n) => client.bgpPeers.create(peer(n, "warm")));
  await pool(names("warm").slice(0, 50), (n) => client.bgpPeers.delete(n));

  for (const round of [1, 2]) {
    const batch = `raw${round}`;
    await timed("raw HTTP", "create", () =>
      pool(names(batch), (n) =>
        raw.request({ method: "POST", path: collection, body: peer(n, batch) }),
      ),
    );
    await timed("raw HTTP", "list", async () => {
      let token = "";
      do {
        const page = await raw.request({
          method: "GET",
          path: `${collection}?labelSelector=batch%3D${batch}&limit=500${token ? `&continue=${token}` : ""}`,
        });
        token = encodeURIComponent(
          page.json<{ metadata: { continue?: string } }>().metadata.continue ?? "",
        );
      } while (token);
    });
    await timed("raw HTTP", "delete", () =>
      pool(names(batch), (n) => raw.request({ method: "DELETE", path: `${collection}/${n}` })),
    );

    const ours = `client${round}`;
    await timed("client", "create", () =>
      pool(names(ours), (n) => client.bgpPeers.create(peer(n, ours))),
    );
    await timed("client", "list", async () => {
      let seen = 0;
      for await (const _ of client.bgpPeers.list({ labelSelector: `batch=${ours}` })) seen++;
      expect(seen).toBe(count);
    });
    await timed("client", "delete", () => pool(names(ours), (n) => client.bgpPeers.delete(n)));
  }

  const kubectl = (args: string[], input?: string) =>
    execFileSync(kubectlBin, ["--kubeconfig", cp.admin.kubeconfigPath, ...args], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      ...(input === undefined ? {} : { input }),
    });
  const manifest = names("kubectl")
    .map((n) => JSON.stringify(peer(n, "kubectl")))
    .join("\n---\n");
  await timed("kubectl", "create", async () => kubectl(["apply", "-f", "-"], manifest));
  await timed("kubectl", "list", async () =>
    kubectl(["get", "bgppeers.projectcalico.org", "-l", "batch=kubectl", "-o", "json"]),
  );
  await timed("kubectl", "delete", async () =>
    kubectl(["delete", "bgppeers.projectcalico.org", "-l", "batch=kubectl", "--wait=false"]),
  );
  client.close();

  // the second round of client and raw HTTP is the one reported (the first one warms up)
  const rate = (tool: string, phase: string) => {
    const rows = results.filter((r) => r.tool === tool && r.phase === phase);
    const last = rows[rows.length - 1];
    return last ? count / last.seconds : Number.NaN;
  };
  const table = ["create", "list", "delete"].map((phase) => ({
    phase,
    "client obj/s": Math.round(rate("client", phase)),
    "raw obj/s": Math.round(rate("raw HTTP", phase)),
    "kubectl obj/s": Math.round(rate("kubectl", phase)),
    "client/raw": (rate("client", phase) / rate("raw HTTP", phase)).toFixed(2),
    "client/kubectl": (rate("client", phase) / rate("kubectl", phase)).toFixed(2),
  }));
  const total = (tool: string) =>
    (3 * count) /
    ["create", "list", "delete"]
      .map((phase) => count / rate(tool, phase))
      .reduce((a, b) => a + b, 0);
  console.log(`BGPPeers: ${count} objects, concurrency ${concurrency} (kubectl: one apply)`);
  console.table(table);
  console.log(
    `all three phases: client ${Math.round(total("client"))} obj/s, raw ${Math.round(total("raw HTTP"))}, kubectl ${Math.round(total("kubectl"))}; client/raw ${(total("client") / total("raw HTTP")).toFixed(2)}, client/kubectl ${(total("client") / total("kubectl")).toFixed(2)}`,
  );
}, 600_000);

test("listing 5,000 Nodes streams in bounded memory", async () => {
  const names = Array.from({ length: nodeCount }, (_, i) => `bench-node-${i}`);
  await pool(names, (name) =>
    raw.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: {
        metadata: {
          name,
          labels: { "kubernetes.io/hostname": name, zone: `z${name.length % 3}` },
          annotations: {
            "projectcalico.org/IPv4Address": "10.0.0.1/24",
            "projectcalico.org/ASNumber": "64512",
          },
        },
        spec: { podCIDR: "10.244.0.0/24" },
      },
    }),
  );
  const client = await CalicoClient.connect({
    kubeconfigPath: cp.admin.kubeconfigPath,
    rateLimit: false,
  });
  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let seen = 0;
  const started = performance.now();
  for await (const view of client.nodes.list({ pageSize: 500 })) {
    if (view.node.metadata.name) seen++;
    if (seen % 250 === 0) {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  expect(seen).toBe(nodeCount);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `Nodes: streamed ${seen} in ${seconds.toFixed(2)} s (${Math.round(seen / seconds)}/s); extra memory at peak: rss +${mb(peakRss - base.rss)} MB, heap +${mb(peakHeap - base.heapUsed)} MB (target < 100 MB)`,
  );
  client.close();
}, 600_000);
