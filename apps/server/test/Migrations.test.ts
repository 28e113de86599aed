import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { CalicoClient } from "@calicokit/client";
import { Lab } from "@calicokit/lab";
import { uniqueName } from "@calicokit/testkit";
import { listMigrations } from "@calicokit/workflows";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdempotencyKeys } from "../src/IdempotencyKeys.js";
import { migrationModule } from "../src/routes/MigrationRoutes.js";
import {
  caller,
  migrationRights,
  readEvents,
  spawnServer,
  startTestServer,
  type TestServer,
  waitFor,
} from "./support.js";

const group = "projectcalico.org";
const artifacts = join(import.meta.dirname, "../test-artifacts");

/** Debian's chromium: a missing browser fails the test (make test installs it). */
function chromiumPath(): string {
  const path = "/usr/bin/chromium";
  if (!existsSync(path))
    throw new Error(`${path} is missing: run make test-tools (apt-get install chromium)`);
  return path;
}
const calicoWrites = {
  apiGroups: [group],
  resources: ["bgppeers", "bgpconfigurations"],
  verbs: ["get", "list", "create", "update", "patch", "delete"],
};
const nodeWrites = { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "patch"] };

describe("migrations over HTTP on a 4-node lab (real BIRD)", () => {
  let lab: Lab;
  let server: TestServer;
  let admin: CalicoClient;
  let operator: string;
  let operatorName: string;

  beforeAll(async () => {
    lab = await Lab.up({
      name: `srv-${process.pid % 1000}`,
      nodes: 4,
      zones: 2,
      asNumber: 64512,
      calicoApi: "v3",
    });
    server = await startTestServer(lab.controlPlane, {
      modules: [migrationModule({ leaseSeconds: 4, resumeEveryMs: 500 })],
    });
    admin = await CalicoClient.connect({ kubeconfigPath: lab.status().kubeconfig });
    operatorName = uniqueName("operator");
    operator = await caller(lab.controlPlane, server.namespace, operatorName, [
      migrationRights("get", "list", "create", "update"),
      calicoWrites,
      nodeWrites,
    ]);
  }, 400_000);

  afterAll(async () => {
    await server?.close();
    admin?.close();
    await lab?.down();
  });

  const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(new URL(path, server.url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const get = (path: string, token: string) =>
    fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${token}` } });
  const request = { to: "route-reflectors", rrCount: 2 } as const;

  it("refuses a caller who may create migrations but not BGPPeers, naming the permission, and writes nothing", async () => {
    const noPeers = await caller(lab.controlPlane, server.namespace, uniqueName("no-peers"), [
      migrationRights("get", "list", "create", "update"),
      { ...calicoWrites, resources: ["bgpconfigurations"] },
      nodeWrites,
    ]);
    const res = await post(
      "/v1/migrations",
      noPeers,
      { request },
      { "idempotency-key": "k-denied" },
    );
    expect(res.status).toBe(403);
    const problem = (await res.json()) as { type: string; missing: object; reasons: string[] };
    expect(problem.type).toBe("urn:calicokit:problem:forbidden");
    expect(problem.missing).toEqual({ verb: "create", group, resource: "bgppeers" });
    expect((await admin.bgpPeers.listAll()).items).toEqual([]);
    expect(await listMigrations(admin, { namespace: server.namespace })).toEqual([]);
    // a caller without the virtual-resource permission is refused before anything else
    const stranger = await caller(lab.controlPlane, server.namespace, uniqueName("stranger"), [
      calicoWrites,
    ]);
    const denied = await post("/v1/plans", stranger, request);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      missing: { verb: "create", group: "calicokit.io", resource: "migrations" },
    });
  }, 180_000);

  it("plans without writing, needs an Idempotency-Key, and honours it: same run, 422 on another body, 409 while in flight", async () => {
    const planned = await post("/v1/plans", operator, request);
    expect(planned.status).toBe(200);
    const plan = (await planned.json()) as { from: string; routeReflectors: unknown[] };
    expect(plan.from).toBe("mesh");
    expect(plan.routeReflectors).toHaveLength(2);
    expect((await admin.bgpPeers.listAll()).items).toEqual([]);

    const missingKey = await post("/v1/migrations", operator, { request });
    expect(missingKey.status).toBe(428);

    // another replica's request with this key is still being handled: its claim is in the cluster
    const keys = new IdempotencyKeys(admin, server.namespace);
    const user = `system:serviceaccount:${server.namespace}:${operatorName}`;
    const held = await keys.claim(user, "k-busy", { request });
    const busy = await post(
      "/v1/migrations",
      operator,
      { request },
      { "idempotency-key": "k-busy" },
    );
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({
      type: "urn:calicokit:problem:idempotency-key-in-flight",
    });
    if (held.state === "claimed") await keys.release(held.key);

    const first = await post("/v1/migrations", operator, { request }, { "idempotency-key": "k-1" });
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    const again = await post(
      "/v1/migrations",
      operator,
      { request: { rrCount: 2, to: "route-reflectors" } },
      { "idempotency-key": "k-1" },
    );
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual({ id });
    const other = await post(
      "/v1/migrations",
      operator,
      { request: { ...request, rrCount: 3 } },
      { "idempotency-key": "k-1" },
    );
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({
      type: "urn:calicokit:problem:idempotency-key-reused",
    });

    // SSE: the whole history in order, then the end
    const url = new URL(`/v1/migrations/${id}/events`, server.url).toString();
    const events = await readEvents(url, operator, { until: (e) => e.event === "end" });
    const runEvents = events.filter((e) => e.event !== "end");
    expect(runEvents.map((e) => Number(e.id))).toEqual(runEvents.map((_, i) => i + 1));
    expect(runEvents.at(-1)?.event).toBe("succeeded");
    expect(events.at(-1)?.event).toBe("end");
    for (const e of runEvents)
      expect(JSON.parse(e.data)).toMatchObject({ runId: id, seq: Number(e.id), type: e.event });

    // resumed with Last-Event-ID: exactly what came after it
    const resumed = await readEvents(url, operator, {
      lastEventId: 3,
      until: (e) => e.event === "end",
    });
    expect(resumed.filter((e) => e.event !== "end").map((e) => e.data)).toEqual(
      runEvents.slice(3).map((e) => e.data),
    );

    const record = await get(`/v1/migrations/${id}`, operator);
    expect(await record.json()).toMatchObject({ id, phase: "Succeeded", startedBy: user });
    const list = (await (await get("/v1/migrations", operator)).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((r) => r.id)).toContain(id);
  }, 180_000);

  it("rolls a finished run back on request, following it on the same event stream", async () => {
    const { items } = (await (await get("/v1/migrations", operator)).json()) as {
      items: { id: string; phase: string }[];
    };
    const done = items.find((r) => r.phase === "Succeeded");
    expect(done).toBeDefined();
    const id = (done as { id: string }).id;
    const res = await post(`/v1/migrations/${id}/rollback`, operator, {});
    expect(res.status).toBe(202);
    const url = new URL(`/v1/migrations/${id}/events`, server.url).toString();
    const events = await readEvents(url, operator, { until: (e) => e.event === "end" });
    expect(events.map((e) => e.event)).toContain("rolled-back");
    expect(await (await get(`/v1/migrations/${id}`, operator)).json()).toMatchObject({
      phase: "RolledBack",
    });
    expect((await admin.bgpPeers.listAll()).items).toEqual([]);
  }, 180_000);

  it("two server processes: one killed (SIGKILL) mid-run, the other finishes the run and streams its whole history", async () => {
    await server.close(); // from here on, only the two processes serve this namespace
    const kubeconfig = server.kubeconfigPath;
    const a = await spawnServer(kubeconfig, server.namespace);
    const b = await spawnServer(kubeconfig, server.namespace);
    try {
      const call = (base: string, path: string, init: RequestInit = {}) =>
        fetch(new URL(path, base), {
          ...init,
          headers: {
            authorization: `Bearer ${operator}`,
            "content-type": "application/json",
            ...init.headers,
          },
        });
      const started = await call(a.url, "/v1/migrations", {
        method: "POST",
        headers: { "idempotency-key": "k-replicas" },
        body: JSON.stringify({ request: { ...request, requireApproval: true } }),
      });
      expect(started.status).toBe(202);
      const { id } = (await started.json()) as { id: string };
      // mid-run: the run waits at its approval gate on A (peers created, mesh still on)
      await waitFor("the run at its gate", 60_000, async () => {
        const r = (await (await call(b.url, `/v1/migrations/${id}`)).json()) as { phase: string };
        return r.phase === "AwaitingApproval" ? r : undefined;
      });
      a.child.kill("SIGKILL");
      const approved = await call(b.url, `/v1/migrations/${id}/approve`, { method: "POST" });
      expect(approved.status).toBe(200);
      // B takes the run over once A's Lease expires, and finishes it
      const events = await readEvents(
        new URL(`/v1/migrations/${id}/events`, b.url).toString(),
        operator,
        {
          until: (e) => e.event === "end",
        },
      );
      const runEvents = events.filter((e) => e.event !== "end");
      expect(runEvents.map((e) => Number(e.id))).toEqual(runEvents.map((_, i) => i + 1));
      expect(runEvents.map((e) => e.event)).toEqual(
        expect.arrayContaining(["planned", "awaiting-approval", "approved", "succeeded"]),
      );
      expect(runEvents.at(-1)?.event).toBe("succeeded");
      expect(b.output()).toContain(`"msg":"resume started","runId":"${id}"`);
    } finally {
      a.child.kill("SIGKILL");
      b.child.kill("SIGTERM");
      await new Promise((resolve) =>
        b.child.exitCode === null ? b.child.once("exit", resolve) : resolve(undefined),
      );
    }
  }, 400_000);
  it("/ui follows a run live in headless Chromium until it shows Succeeded (screenshot kept)", async () => {
    // one run supervisor per process: two in one process would share a Lease holder identity
    await server.close();
    const ui = await startTestServer(lab.controlPlane, {
      namespace: server.namespace,
      kubeconfigPath: server.kubeconfigPath,
      modules: [migrationModule({ leaseSeconds: 4, resumeEveryMs: 500 })],
    });
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      // whichever way the lab stands now, go the other way
      const toMesh = await fetch(new URL("/v1/plans", ui.url), {
        method: "POST",
        headers: { authorization: `Bearer ${operator}`, "content-type": "application/json" },
        body: JSON.stringify({ to: "mesh" }),
      });
      const { nothingToDo } = (await toMesh.json()) as { nothingToDo: boolean };
      const res = await fetch(new URL("/v1/migrations", ui.url), {
        method: "POST",
        headers: {
          authorization: `Bearer ${operator}`,
          "content-type": "application/json",
          "idempotency-key": uniqueName("k-ui"),
        },
        body: JSON.stringify({ request: nothingToDo ? request : { to: "mesh" } }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`${ui.url}/ui#run=${id}&token=${operator}`);
      // a locator, not waitForFunction: the page's CSP forbids eval, as it should
      await page.locator("#phase", { hasText: /^Succeeded$/ }).waitFor({ timeout: 120_000 });
      const states = await page.$$eval("#steps .state", (tags) => tags.map((t) => t.textContent));
      expect(states.length).toBeGreaterThan(0);
      expect(states.every((s) => s === "succeeded")).toBe(true);
      expect(await page.textContent("#log")).toContain("succeeded");
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, "ui-run-succeeded.png"), fullPage: true });
    } finally {
      await browser.close();
      await ui.close();
    }
  }, 400_000);
});
