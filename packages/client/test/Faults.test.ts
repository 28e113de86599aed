import { type FaultProxy, startFaultProxy, uniqueName } from "@calicokit/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CalicoObject } from "../src/CalicoObject.js";
import { Transport } from "../src/internal/Transport.js";
import type { ResourceClient } from "../src/ResourceClient.js";
import type { RetryEvent } from "../src/RetryPolicy.js";
import { apiGroupOf, kubeConfigFor, plainPeerClient, testPeer } from "./support.js";

// Retry and resume behaviour under injected faults, on both CRD sets, through the plain codec:
// what is under test is the transport, not Calico's schemas.
const cps = inject("controlPlanes");

describe.each(["v1", "v3"] as const)("faults on %s CRDs", (set) => {
  const cp = cps[set];
  const api = apiGroupOf(set);
  const collection = `/apis/${api.group}/${api.version}/bgppeers`;
  let proxy: FaultProxy;
  let peers: ResourceClient<CalicoObject>;
  let direct: ResourceClient<CalicoObject>;
  const retries: RetryEvent[] = [];

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    const transport = new Transport(kubeConfigFor(cp, proxy.url), {
      limiter: undefined,
      requestTimeoutMs: 10_000,
    });
    peers = plainPeerClient(transport, api, { baseDelayMs: 50, onRetry: (e) => retries.push(e) });
    const plain = new Transport(kubeConfigFor(cp), {
      limiter: undefined,
      requestTimeoutMs: 10_000,
    });
    direct = plainPeerClient(plain, api);
  });
  afterAll(async () => {
    await proxy.stop();
  });

  const posts = () =>
    proxy.requests.filter((r) => r.method === "POST" && r.path.startsWith(collection)).length;

  it("rides out a 429 storm in the time Retry-After asks", async () => {
    const name = uniqueName("storm");
    proxy.clear();
    retries.length = 0;
    const before = posts();
    proxy.inject({
      method: "POST",
      path: collection,
      times: 3,
      action: { kind: "respond", status: 429, retryAfterSeconds: 1 },
    });
    const started = performance.now();
    await peers.create(testPeer(name));
    const elapsed = performance.now() - started;
    expect(posts() - before).toBe(4);
    expect(retries.map((r) => r.delayMs)).toEqual([1000, 1000, 1000]);
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    expect(elapsed).toBeLessThan(4500);
    await direct.delete(name);
  });

  it("creates exactly one object when a create commits and then answers 500", async () => {
    const name = uniqueName("commit");
    proxy.clear();
    const before = posts();
    proxy.inject({ method: "POST", path: collection, action: { kind: "failAfterCommit" } });
    const created = await peers.create(testPeer(name));
    expect(created.metadata.name).toBe(name);
    // the retry read first and found our object: one POST in total
    expect(posts() - before).toBe(1);
    const all = await direct.listAll();
    expect(all.items.filter((p) => p.metadata.name === name)).toHaveLength(1);
    await direct.delete(name);
  });

  it("counts a replace and a patch whose answers were lost after they landed as done", async () => {
    const name = uniqueName("landed");
    const path = `${collection}/${name}`;
    const created = await direct.create(testPeer(name));
    const ours = () => proxy.requests.filter((r) => r.path.startsWith(path));
    proxy.clear();
    proxy.inject({ method: "PUT", path, action: { kind: "failAfterCommit" } });
    const replaced = await peers.replace({
      ...created,
      spec: { peerIP: "10.0.0.2", asNumber: 64512 },
    });
    expect(replaced.spec).toMatchObject({ peerIP: "10.0.0.2" });
    proxy.inject({ method: "PATCH", path, action: { kind: "failAfterCommit" } });
    const patched = await peers.patch(name, { spec: { peerIP: "10.0.0.3" } });
    expect(patched.spec).toMatchObject({ peerIP: "10.0.0.3" });
    // each write was sent once and its lost answer recovered by a read, not by a second write
    const writes = ours().filter((r) => r.method === "PUT" || r.method === "PATCH");
    expect(writes.map((r) => [r.method, r.fault])).toEqual([
      ["PUT", "failAfterCommit"],
      ["PATCH", "failAfterCommit"],
    ]);
    await direct.delete(name);
  });

  it("remembers a lost answer across a refused read-back: no blind re-send, no misreport", async () => {
    const name = uniqueName("sticky");
    const path = `${collection}/${name}`;
    proxy.clear();
    const before = posts();
    // the create lands and its answer is lost; the read-back is then refused (nothing sent)
    proxy.inject({ method: "POST", path: collection, action: { kind: "failAfterCommit" } });
    proxy.inject({ method: "GET", path, action: { kind: "respond", status: 429 } });
    const created = await peers.create(testPeer(name));
    expect(created.metadata.name).toBe(name);
    expect(posts() - before).toBe(1);
    // the same for a delete: its own landed write is not reported as NotFound
    const deletes = () => proxy.requests.filter((r) => r.method === "DELETE").length;
    const deletesBefore = deletes();
    proxy.inject({ method: "DELETE", path, action: { kind: "failAfterCommit" } });
    proxy.inject({ method: "GET", path, action: { kind: "respond", status: 429 } });
    await peers.delete(name);
    expect(deletes() - deletesBefore).toBe(1);
    await expect(direct.get(name)).rejects.toMatchObject({ _tag: "NotFound" });
  });

  it("rides out failures for the whole deadline, not for a count of attempts", async () => {
    const name = uniqueName("patient");
    proxy.clear();
    const before = posts();
    const waits: RetryEvent[] = [];
    const transport = new Transport(kubeConfigFor(cp, proxy.url), {
      limiter: undefined,
      requestTimeoutMs: 10_000,
    });
    const patient = plainPeerClient(transport, api, {
      baseDelayMs: 20,
      maxDelayMs: 100,
      onRetry: (e) => waits.push(e),
    });
    // ten refusals in a row: more than the six attempts that used to be the limit
    proxy.inject({
      method: "POST",
      path: collection,
      times: 10,
      action: { kind: "respond", status: 503 },
    });
    await patient.create(testPeer(name));
    transport.close();
    expect(posts() - before).toBe(11);
    expect(waits.map((w) => w.error._tag)).toEqual(Array(10).fill("Unavailable"));
    await direct.delete(name);
  });

  it("retries a reset GET and never retries an Invalid create", async () => {
    const name = uniqueName("inval");
    proxy.clear();
    await direct.create(testPeer(name));
    proxy.inject({ method: "GET", path: `${collection}/${name}`, action: { kind: "reset" } });
    await expect(peers.get(name)).resolves.toMatchObject({ metadata: { name } });
    const bad = uniqueName("bad");
    const before = posts();
    await expect(
      peers.create(testPeer(bad, { spec: { asNumber: "not-a-number" } })),
    ).rejects.toMatchObject({
      _tag: "Invalid",
      code: 422,
    });
    expect(posts() - before).toBe(1);
    await direct.delete(name);
  });

  it("resumes a cut watch without losing or repeating an event", async () => {
    const label = uniqueName("cut");
    proxy.clear();
    const cuts = proxy.inject({
      path: collection,
      watch: true,
      times: 2,
      action: { kind: "cutWatch", afterEvents: 1 },
    });
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      const events = peers.watch({ labelSelector: `cut=${label}`, signal: controller.signal });
      for await (const e of events) {
        if (e.type === "BOOKMARK") continue;
        seen.push(`${e.type} ${e.object.metadata.name}`);
        if (seen.length === 5) controller.abort();
      }
    })();
    // the watch request is through the proxy: what is created from now on, it delivers
    await cuts.reached();
    for (const n of ["a", "b", "c"]) {
      await direct.create(testPeer(`${label}-${n}`, { labels: { cut: label } }));
    }
    await direct.delete(`${label}-a`);
    await direct.delete(`${label}-b`);
    await watching;
    expect(seen).toEqual([
      `ADDED ${label}-a`,
      `ADDED ${label}-b`,
      `ADDED ${label}-c`,
      `DELETED ${label}-a`,
      `DELETED ${label}-b`,
    ]);
    expect(proxy.requests.filter((r) => r.fault === "cutWatch").length).toBe(2);
    await direct.delete(`${label}-c`);
  });
});
