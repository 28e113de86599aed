import { KubeHttp, uniqueName } from "@calicokit/testkit";
import { describe, expect, inject, it } from "vitest";
import type { CalicoObject } from "../src/CalicoObject.js";
import { Transport } from "../src/internal/Transport.js";
import { RateLimiter } from "../src/RateLimiter.js";
import type { WatchEvent } from "../src/ResourceClient.js";
import { apiGroupOf, kubeConfigFor, peersPath, plainPeerClient, testPeer } from "./support.js";

// The transport, CRUD, paging and watch mechanics, independent of Calico's schemas (plain codec).
// The Calico-validated path is tested through CalicoClient.
const cps = inject("controlPlanes");

async function collect<T>(iterable: AsyncIterable<T>, count: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= count) break;
  }
  return out;
}

describe.each(["v1", "v3"] as const)("ResourceClient on %s CRDs", (set) => {
  const cp = cps[set];
  const api = apiGroupOf(set);
  const transport = new Transport(kubeConfigFor(cp), {
    limiter: new RateLimiter({ qps: 1000, burst: 1000 }),
    requestTimeoutMs: 30_000,
  });
  const peers = plainPeerClient(transport, api, { baseDelayMs: 20 });
  const raw = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

  it("creates, reads, replaces, patches, applies and deletes", async () => {
    const name = uniqueName("crud");
    const created = await peers.create(testPeer(name, { labels: { team: "net" } }));
    expect(created.metadata.uid).toBeTruthy();
    const read = await peers.get(name);
    expect(read.spec).toEqual({ peerIP: "10.0.0.1", asNumber: 64512 });

    const replaced = await peers.replace({
      ...read,
      spec: { peerIP: "10.0.0.2", asNumber: 64512 },
    });
    expect((replaced.spec as { peerIP: string }).peerIP).toBe("10.0.0.2");
    await expect(peers.replace(read)).rejects.toMatchObject({ _tag: "Conflict", code: 409 });

    const patched = await peers.patch(name, { metadata: { labels: { extra: "yes" } } });
    expect(patched.metadata.labels).toEqual({ team: "net", extra: "yes" });
    await expect(
      peers.patch(
        name,
        { spec: { asNumber: 1 } },
        { resourceVersion: read.metadata.resourceVersion as string },
      ),
    ).rejects.toMatchObject({ _tag: "Conflict" });

    const applied = await peers.apply(testPeer(name, { labels: { team: "net", extra: "yes" } }));
    expect((applied.spec as { peerIP: string }).peerIP).toBe("10.0.0.1");

    await expect(
      peers.delete(name, { uid: "00000000-0000-0000-0000-000000000000" }),
    ).rejects.toMatchObject({
      _tag: "Conflict",
    });
    await peers.delete(name, { uid: created.metadata.uid as string });
    await expect(peers.get(name)).rejects.toMatchObject({ _tag: "NotFound", code: 404 });
  });

  it("dry-runs every write without storing anything", async () => {
    const name = uniqueName("dry");
    await peers.create(testPeer(name), { dryRun: true });
    await expect(peers.get(name)).rejects.toMatchObject({ _tag: "NotFound" });
    const real = await peers.create(testPeer(name));
    await peers.replace(
      { ...real, spec: { peerIP: "10.9.9.9", asNumber: 64512 } },
      { dryRun: true },
    );
    await peers.patch(name, { spec: { peerIP: "10.8.8.8" } }, { dryRun: true });
    await peers.apply(
      { ...testPeer(name), spec: { peerIP: "10.7.7.7", asNumber: 64512 } },
      { dryRun: true },
    );
    await peers.delete(name, { dryRun: true });
    const after = await peers.get(name);
    expect(after.metadata.resourceVersion).toBe(real.metadata.resourceVersion);
    await peers.delete(name);
  });

  it("pages through 2,000 objects with limit/continue", async () => {
    const label = uniqueName("page");
    const names = Array.from({ length: 2000 }, (_, i) => `${label}-${i}`);
    const queue = [...names];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let n = queue.pop(); n !== undefined; n = queue.pop()) {
          await peers.create(testPeer(n, { labels: { batch: label } }));
        }
      }),
    );
    const first = await peers.listPage({ labelSelector: `batch=${label}`, pageSize: 300 });
    expect(first.items).toHaveLength(300);
    expect(first.continue).toBeTruthy();
    const seen: string[] = [];
    for await (const p of peers.list({ labelSelector: `batch=${label}`, pageSize: 300 })) {
      seen.push(p.metadata.name ?? "");
    }
    expect(seen.sort()).toEqual([...names].sort());
    const left = [...names];
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (let n = left.pop(); n !== undefined; n = left.pop()) await peers.delete(n);
      }),
    );
  }, 240_000);

  it("watches with typed events and resumes from a resourceVersion", async () => {
    const label = uniqueName("watch");
    const a = await peers.create(testPeer(`${label}-a`, { labels: { w: label } }));
    const controller = new AbortController();
    const events: WatchEvent<CalicoObject>[] = [];
    const watching = (async () => {
      for await (const e of peers.watch({
        labelSelector: `w=${label}`,
        signal: controller.signal,
      })) {
        events.push(e);
        if (events.filter((x) => x.type !== "BOOKMARK").length === 4) controller.abort();
      }
    })();
    // the watch is open once it has delivered the object that existed before it
    await expect.poll(() => events.some((e) => e.type === "ADDED")).toBe(true);
    const b = await peers.create(testPeer(`${label}-b`, { labels: { w: label } }));
    await peers.patch(b.metadata.name as string, { spec: { peerIP: "10.1.1.1" } });
    await peers.delete(a.metadata.name as string);
    await watching;
    const typed = events.flatMap((e) =>
      e.type === "BOOKMARK" ? [] : [`${e.type} ${e.object.metadata.name}`],
    );
    expect(typed).toEqual([
      `ADDED ${label}-a`,
      `ADDED ${label}-b`,
      `MODIFIED ${label}-b`,
      `DELETED ${label}-a`,
    ]);

    // resume: from b's creation, we see exactly the later changes
    const resumed = await collect(
      peers.watch({
        labelSelector: `w=${label}`,
        resourceVersion: b.metadata.resourceVersion as string,
      }),
      2,
    );
    expect(resumed.map((e) => e.type)).toEqual(["MODIFIED", "DELETED"]);
    await peers.delete(b.metadata.name as string);
  });

  it("re-lists after 410 Gone and reports the difference", async () => {
    const label = uniqueName("gone");
    const a = await peers.create(testPeer(`${label}-a`, { labels: { g: label } }));
    // an ancient resourceVersion: the apiserver answers 410 Expired
    const events = await collect(
      peers.watch({ labelSelector: `g=${label}`, resourceVersion: "1" }),
      1,
    );
    expect(events[0]).toMatchObject({
      type: "ADDED",
      object: { metadata: { name: a.metadata.name } },
    });
    await peers.delete(a.metadata.name as string);
  });

  it("resumed after 410 with what the caller holds, reports exactly the difference", async () => {
    const label = uniqueName("diff");
    const labels = { d: label };
    const kept = await peers.create(testPeer(`${label}-kept`, { labels }));
    const changed = await peers.create(testPeer(`${label}-changed`, { labels }));
    const gone = await peers.create(testPeer(`${label}-gone`, { labels }));
    const held = await peers.listAll({ labelSelector: `d=${label}` });
    expect(held.items).toHaveLength(3);
    // what happens while the caller is away
    await peers.patch(changed.metadata.name as string, { spec: { peerIP: "10.0.0.9" } });
    await peers.delete(gone.metadata.name as string);
    const fresh = await peers.create(testPeer(`${label}-fresh`, { labels }));
    // an ancient resourceVersion: the apiserver answers 410 and the client re-lists
    const events = await collect(
      peers.watch({ labelSelector: `d=${label}`, resourceVersion: "1", known: held.items }),
      3,
    );
    const typed = events
      .flatMap((e) => (e.type === "BOOKMARK" ? [] : [`${e.type} ${e.object.metadata.name}`]))
      .sort();
    expect(typed).toEqual(
      [
        `ADDED ${fresh.metadata.name}`,
        `DELETED ${gone.metadata.name}`,
        `MODIFIED ${changed.metadata.name}`,
      ].sort(),
    );
    for (const p of [kept, changed, fresh]) await peers.delete(p.metadata.name as string);
  });

  it("reads what a raw client stored", async () => {
    const name = uniqueName("raw");
    await peers.create(testPeer(name));
    const res = await raw.request({ method: "GET", path: `${peersPath(cp)}/${name}` });
    expect(res.status).toBe(200);
    expect(res.json<CalicoObject>().apiVersion).toBe(api.apiVersion);
    await peers.delete(name);
  });
});
