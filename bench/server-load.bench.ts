import { Lab } from "@calicokit/lab";
import { afterAll, expect, test } from "vitest";
import {
  caller,
  migrationRights,
  readEvents,
  type ServerProcess,
  serverKubeconfig,
  spawnServer,
  unique,
  waitFor,
} from "../apps/server/test/support.js";

// Issue 12, bench bullet: 200 concurrent readers of one run plus 50 Server-Sent Events
// subscribers for 30 s against a calicokit-server process on loopback (aim: zero errors, p99
// under 50 ms). The run is real (a 4-node lab with BIRD) and held live at its approval gate for
// the whole window, so the subscribers stay connected; then it is approved and finishes.
// Needs root (network namespaces). Run: cd bench && vitest run server-load.bench.ts
const windowMs = 30_000;
const readers = 200;
const subscribers = 50;

let lab: Lab | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  server?.child.kill("SIGTERM");
  await lab?.down();
});

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

test("200 readers + 50 SSE subscribers of one live run for 30 s", {
  timeout: 600_000,
}, async () => {
  lab = await Lab.up({
    name: `bench-srv-${process.pid % 1000}`,
    nodes: 4,
    zones: 2,
    asNumber: 64512,
    calicoApi: "v3",
  });
  const namespace = unique("bench");
  const kubeconfig = await serverKubeconfig(lab.controlPlane, namespace);
  const token = await caller(lab.controlPlane, namespace, "bench", [
    migrationRights("get", "list", "create", "update"),
    {
      apiGroups: ["projectcalico.org"],
      resources: ["bgppeers", "bgpconfigurations"],
      verbs: ["get", "list", "create", "patch", "delete"],
    },
    { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "patch"] },
  ]);
  server = await spawnServer(kubeconfig, namespace);
  const base = server.url;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const started = await fetch(`${base}/v1/migrations`, {
    method: "POST",
    headers: { ...headers, "idempotency-key": "bench" },
    body: JSON.stringify({
      request: { to: "route-reflectors", rrCount: 2, requireApproval: true },
    }),
  });
  const { id } = (await started.json()) as { id: string };
  await waitFor("the run at its gate", 120_000, async () => {
    const r = (await (await fetch(`${base}/v1/migrations/${id}`, { headers })).json()) as {
      phase: string;
    };
    return r.phase === "AwaitingApproval" ? r : undefined;
  });

  const stop = AbortSignal.timeout(windowMs);
  const latencies: number[] = [];
  let readErrors = 0;
  const reader = async () => {
    while (!stop.aborted) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/v1/migrations/${id}`, { headers });
        await res.arrayBuffer();
        if (res.status === 200) latencies.push(performance.now() - t0);
        else readErrors++;
      } catch {
        readErrors++;
      }
    }
  };
  const firstEventMs: number[] = [];
  let streamErrors = 0;
  let streamedEvents = 0;
  const subscriber = async () => {
    const t0 = performance.now();
    try {
      const events = await readEvents(`${base}/v1/migrations/${id}/events`, token, {
        until: (e) => {
          if (streamedEvents++ === 0 || firstEventMs.length < subscribers)
            firstEventMs.push(performance.now() - t0);
          return e.event === "end";
        },
      });
      if (events.at(-1)?.event !== "end") streamErrors++;
    } catch {
      streamErrors++;
    }
  };
  const streams = Array.from({ length: subscribers }, subscriber);
  await Promise.all(Array.from({ length: readers }, reader));
  // the window is over: let the run finish, which ends every stream
  await fetch(`${base}/v1/migrations/${id}/approve`, { method: "POST", headers });
  await Promise.all(streams);

  latencies.sort((a, b) => a - b);
  firstEventMs.sort((a, b) => a - b);
  console.log(
    [
      `server load, ${windowMs / 1000} s on loopback: ${readers} readers of GET /v1/migrations/{id}, ${subscribers} SSE subscribers`,
      `  reads: ${latencies.length} ok (${Math.round(latencies.length / (windowMs / 1000))}/s), ${readErrors} errors; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
      `  streams: ${subscribers - streamErrors}/${subscribers} ran to the end (${streamedEvents} events), ${streamErrors} errors; first event p50 ${percentile(firstEventMs, 50).toFixed(0)} ms, p99 ${percentile(firstEventMs, 99).toFixed(0)} ms`,
    ].join("\n"),
  );
  expect(readErrors + streamErrors).toBe(0);
});
