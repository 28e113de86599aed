import {
  type ControlPlaneInfo,
  type FaultAction,
  type FaultProxy,
  KubeHttp,
  startFaultProxy,
  uniqueName,
} from "@calicokit/testkit";
import type { BgpPeer, CalicoNodeStatus } from "@calicokit/types";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CalicoClient } from "../src/CalicoClient.js";
import { CalicoClientError } from "../src/CalicoClientError.js";
import type { HeldLease } from "../src/LeaseClient.js";
import { kubeConfigFor } from "./support.js";

// The promise of @calicokit/client: whatever the input and whatever the apiserver does, the only
// thing a public method rejects with is a CalicoClientError. Every public method is driven with
// bad input (refused before anything is sent) and through every fault the fault proxy injects.
const cps = inject("controlPlanes");

/** One public method, called on `client` with names of objects that exist. */
type Call = (client: CalicoClient, signal: AbortSignal) => Promise<unknown>;

interface Fixture {
  readonly peer: string;
  readonly node: string;
  readonly lease: HeldLease;
  /** A ConfigMap in `default`. */
  readonly configMap: string;
}

function peer(name: string): BgpPeer {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: { name },
    spec: { peerIP: "192.0.2.10", asNumber: 64512 },
  } as BgpPeer;
}

/** Reads a watch until its first non-bookmark event (or its end). */
async function firstEvent(events: AsyncIterable<unknown>): Promise<void> {
  for await (const event of events) {
    if ((event as { type: string }).type !== "BOOKMARK") return;
  }
}

function publicCalls(f: Fixture): Record<string, Call> {
  return {
    "bgpPeers.get": (c, signal) => c.bgpPeers.get(f.peer, { signal }),
    "bgpPeers.listPage": (c, signal) => c.bgpPeers.listPage({ pageSize: 2, signal }),
    "bgpPeers.list": async (c, signal) => {
      for await (const _ of c.bgpPeers.list({ signal })) break;
    },
    "bgpPeers.listAll": (c, signal) => c.bgpPeers.listAll({ signal }),
    "bgpPeers.create": (c, signal) => c.bgpPeers.create(peer(uniqueName("contract")), { signal }),
    "bgpPeers.replace": async (c, signal) => {
      const current = await c.bgpPeers.get(f.peer, { signal });
      return c.bgpPeers.replace(current, { signal });
    },
    "bgpPeers.patch": (c, signal) =>
      c.bgpPeers.patch(f.peer, { metadata: { labels: { n: uniqueName("v") } } }, { signal }),
    "bgpPeers.patch missing": (c, signal) =>
      c.bgpPeers.patch(uniqueName("missing"), { spec: { keepOriginalNextHop: true } }, { signal }),
    "bgpPeers.apply": (c, signal) => c.bgpPeers.apply(peer(f.peer), { signal }),
    "bgpPeers.delete": async (c, signal) => {
      const name = uniqueName("doomed");
      await c.bgpPeers.create(peer(name), { signal });
      await c.bgpPeers.delete(name, { signal });
    },
    "bgpPeers.watch": (c, signal) => firstEvent(c.bgpPeers.watch({ signal })),
    "calicoNodeStatuses.replaceStatus": async (c, signal) => {
      const status = await c.calicoNodeStatuses.create(
        {
          apiVersion: "projectcalico.org/v3",
          kind: "CalicoNodeStatus",
          metadata: { name: uniqueName("contract-status") },
          spec: { node: f.node, classes: ["BGP"], updatePeriodSeconds: 5 },
        } as CalicoNodeStatus,
        { signal },
      );
      await c.calicoNodeStatuses.replaceStatus(
        { ...status, status: { lastUpdated: new Date().toISOString() } } as CalicoNodeStatus,
        { signal },
      );
    },
    "nodes.get": (c, signal) => c.nodes.get(f.node, { signal }),
    "nodes.list": async (c, signal) => {
      for await (const _ of c.nodes.list({ signal })) break;
    },
    "nodes.setRouteReflector": (c, signal) =>
      c.nodes.setRouteReflector(f.node, { clusterId: "244.0.0.1", signal }),
    "nodes.clearRouteReflector": (c, signal) => c.nodes.clearRouteReflector(f.node, { signal }),
    "leases.read": (c, signal) => c.leases.read(f.lease, { signal }),
    "leases.acquire": (c, signal) =>
      c.leases.acquire(
        { name: uniqueName("contract"), namespace: "default", holder: "x" },
        { signal },
      ),
    "leases.renew": (c, signal) => c.leases.renew(f.lease, { signal }),
    "leases.release": (c, signal) =>
      c.leases.release({ ...f.lease, holder: "not-the-holder" }, { signal }),
    "pods.list": (c, signal) => c.pods.list({ signal }),
    "configMaps.find": (c, signal) => c.configMaps("default").find(f.configMap, { signal }),
    "configMaps.get": (c, signal) => c.configMaps("default").get(f.configMap, { signal }),
    "configMaps.list": (c, signal) => c.configMaps("default").list("contract=yes", { signal }),
    "configMaps.create": (c, signal) =>
      c.configMaps("default").create(uniqueName("contract"), { data: { a: "1" } }, { signal }),
    "configMaps.replace": async (c, signal) => {
      const maps = c.configMaps("default");
      const current = await maps.get(f.configMap, { signal });
      return maps.replace(
        f.configMap,
        current.resourceVersion,
        { data: { a: uniqueName("v") } },
        {
          signal,
        },
      );
    },
    "configMaps.delete": async (c, signal) => {
      const maps = c.configMaps("default");
      const name = uniqueName("doomed");
      await maps.create(name, { data: {} }, { signal });
      await maps.delete(name, { signal });
    },
    "drain.cordon": (c, signal) => c.drain.cordon(f.node, true, { signal }),
    "drain.evict": (c, signal) => c.drain.evict("default", uniqueName("no-such-pod"), { signal }),
    "secretAccess.exists": (c, signal) => c.secretAccess.exists("default", "no-such", { signal }),
    "secretAccess.review": (c, signal) =>
      c.secretAccess.review({ namespace: "default", name: "sa" }, "default", "s", ["get"], {
        signal,
      }),
    bgpStatus: (c, signal) => c.bgpStatus([f.node, "no-such-node"], { timeoutMs: 1_000, signal }),
    sweepBgpStatus: (c, signal) => c.sweepBgpStatus({ olderThanMs: 3_600_000, signal }),
  };
}

/** Bad input for every public method: each must be refused before a request leaves. */
function badCalls(f: Fixture): Record<string, (client: CalicoClient) => Promise<unknown>> {
  const bogus = { bogus: true } as never;
  return {
    "get with an empty name": (c) => c.bgpPeers.get(""),
    "get with a number as name": (c) => c.bgpPeers.get(42 as never),
    "get with an unknown option": (c) => c.bgpPeers.get(f.peer, bogus),
    "listPage with a text pageSize": (c) => c.bgpPeers.listPage({ pageSize: "10" as never }),
    "list with an unknown option": async (c) => {
      for await (const _ of c.bgpPeers.list({ limit: 5 } as never)) break;
    },
    "listAll with an unknown option": (c) => c.bgpPeers.listAll(bogus),
    "create of null": (c) => c.bgpPeers.create(null as never),
    "create of an invalid peer": (c) =>
      c.bgpPeers.create({ ...peer("bad"), spec: { peerIP: "300.1.1.1" } } as never),
    "create of another kind": (c) => c.bgpPeers.create({ ...peer("x"), kind: "IPPool" } as never),
    "create with an unknown option": (c) =>
      c.bgpPeers.create(peer(uniqueName("x")), { dry: true } as never),
    "replace without resourceVersion": (c) => c.bgpPeers.replace(peer(f.peer)),
    "patch with a null patch": (c) => c.bgpPeers.patch(f.peer, null as never),
    "patch with an unknown option": (c) => c.bgpPeers.patch(f.peer, {}, bogus),
    "apply with an unknown option": (c) =>
      c.bgpPeers.apply(peer(f.peer), { forced: true } as never),
    "delete with an unknown option": (c) => c.bgpPeers.delete(f.peer, { uuid: "x" } as never),
    "delete without a name": (c) => c.bgpPeers.delete(undefined as never),
    "replaceStatus of undefined": (c) => c.calicoNodeStatuses.replaceStatus(undefined as never),
    "watch with an unknown option": (c) =>
      firstEvent(c.bgpPeers.watch({ resourceVerison: "1" } as never)),
    "nodes.get with an empty name": (c) => c.nodes.get(""),
    "nodes.list with an unknown option": async (c) => {
      for await (const _ of c.nodes.list(bogus)) break;
    },
    "setRouteReflector without clusterId": (c) => c.nodes.setRouteReflector(f.node, {} as never),
    "setRouteReflector with a bad clusterId": (c) =>
      c.nodes.setRouteReflector(f.node, { clusterId: "244.0.0.1/32" }),
    "clearRouteReflector with an unknown option": (c) => c.nodes.clearRouteReflector(f.node, bogus),
    "leases.read without a namespace": (c) => c.leases.read({ name: "x" } as never),
    "leases.acquire with durationSeconds in the ref": (c) =>
      c.leases.acquire({
        name: "x",
        namespace: "default",
        holder: "h",
        durationSeconds: 5,
      } as never),
    "leases.acquire with a zero duration": (c) =>
      c.leases.acquire({ name: "x", namespace: "default", holder: "h" }, { durationSeconds: 0 }),
    "leases.renew of undefined": (c) => c.leases.renew(undefined as never),
    "leases.release with an unknown option": (c) => c.leases.release(f.lease, bogus),
    "pods.list with an unknown option": (c) => c.pods.list(bogus),
    "configMaps of an empty namespace": async (c) => c.configMaps(""),
    "configMaps.get with an empty name": (c) => c.configMaps("default").get(""),
    "configMaps.find with an unknown option": (c) =>
      c.configMaps("default").find(f.configMap, bogus),
    "configMaps.list with a selector object": (c) =>
      c.configMaps("default").list({ contract: "yes" } as never),
    "configMaps.list with an unknown option": (c) =>
      c.configMaps("default").list("contract=yes", bogus),
    "configMaps.create without data": (c) =>
      c.configMaps("default").create(uniqueName("x"), { labels: {} } as never),
    "configMaps.create with a number in data": (c) =>
      c.configMaps("default").create(uniqueName("x"), { data: { a: 1 } } as never),
    "configMaps.create with an unknown content key": (c) =>
      c.configMaps("default").create(uniqueName("x"), { data: {}, lables: {} } as never),
    "configMaps.replace without resourceVersion": (c) =>
      c.configMaps("default").replace(f.configMap, undefined as never, { data: {} }),
    "configMaps.delete with an unknown option": (c) =>
      c.configMaps("default").delete(f.configMap, bogus),
    "drain.cordon with a text flag": (c) => c.drain.cordon(f.node, "true" as never),
    "drain.cordon with an unknown option": (c) => c.drain.cordon(f.node, true, bogus),
    "drain.evict without a namespace": (c) => c.drain.evict(undefined as never, "web-1"),
    "drain.evict with an unknown option": (c) => c.drain.evict("default", "web-1", bogus),
    "secretAccess.exists without a namespace": (c) => c.secretAccess.exists("", "s"),
    "secretAccess.exists with an unknown option": (c) =>
      c.secretAccess.exists("default", "s", bogus),
    "secretAccess.review without verbs": (c) =>
      c.secretAccess.review({ namespace: "default", name: "sa" }, "default", "s", []),
    "secretAccess.review with a bad subject": (c) =>
      c.secretAccess.review({ namespace: "default" } as never, "default", "s", ["get"]),
    "bgpStatus of a name list that is a string": (c) => c.bgpStatus("node-1" as never),
    "bgpStatus of an empty name": (c) => c.bgpStatus([""]),
    "bgpStatus with an unknown option": (c) => c.bgpStatus([f.node], { timeout: 5 } as never),
    "sweepBgpStatus with an unknown option": (c) => c.sweepBgpStatus(bogus),
  };
}

/** Every fault the proxy can inject, on every request, for as long as it is in place. */
const faults: Record<string, FaultAction> = {
  "429 with Retry-After": { kind: "respond", status: 429, retryAfterSeconds: 1 },
  "500": { kind: "respond", status: 500 },
  "503": { kind: "respond", status: 503 },
  "504": { kind: "respond", status: 504 },
  "404 from a proxy": { kind: "respond", status: 404 },
  "commit, then 500": { kind: "failAfterCommit" },
  "connection reset": { kind: "reset" },
  "delay beyond the caller's patience": { kind: "delay", ms: 6_000 },
  "held until the caller gives up": { kind: "hold" },
  "watch cut after one event": { kind: "cutWatch", afterEvents: 1 },
};

/**
 * A client through `proxy` with a short retry deadline, so each fault ends its calls in seconds;
 * one request may take longer (the machine is shared), and the callers' signals bound the rest.
 */
function connectThrough(cp: ControlPlaneInfo, proxy: FaultProxy): Promise<CalicoClient> {
  return CalicoClient.connect({
    kubeConfig: kubeConfigFor(cp, proxy.url),
    requestTimeoutMs: 5_000,
    retry: { deadlineMs: 1_500, baseDelayMs: 20, maxDelayMs: 200 },
  });
}

describe.each(["v1", "v3"] as const)("the error contract on %s CRDs", (set) => {
  const cp = cps[set];
  let proxy: FaultProxy;
  let client: CalicoClient;
  let fixture: Fixture;

  beforeAll(async () => {
    const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
    const direct = await CalicoClient.connect({ kubeConfig: kubeConfigFor(cp) });
    const node = uniqueName("contract-node");
    const created = await admin.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { metadata: { name: node } },
    });
    expect(created.status).toBe(201);
    const name = uniqueName("contract-peer");
    await direct.bgpPeers.create(peer(name));
    const lease = await direct.leases.acquire({
      name: uniqueName("contract"),
      namespace: "default",
      holder: "contract",
    });
    const configMap = uniqueName("contract-map");
    await direct.configMaps("default").create(configMap, {
      labels: { contract: "yes" },
      data: { a: "0" },
    });
    fixture = { peer: name, node, lease, configMap };
    direct.close();
    proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    client = await connectThrough(cp, proxy);
  });
  afterAll(async () => {
    client?.close();
    await proxy?.stop();
  });

  it("refuses bad input with a CalicoClientError (Invalid or Config) and sends nothing", async () => {
    proxy.clear();
    const sent = proxy.requests.length;
    for (const [what, call] of Object.entries(badCalls(fixture))) {
      const outcome = await call(client).then(
        () => "resolved",
        (e: unknown) => e,
      );
      expect(outcome, what).toBeInstanceOf(CalicoClientError);
      expect(["Invalid", "Config"], what).toContain((outcome as CalicoClientError)._tag);
      expect(proxy.requests.length, `${what}: nothing sent`).toBe(sent);
    }
  });

  // one proxy and client per fault, so the faults run side by side
  it.concurrent.each(Object.keys(faults))(
    "lets nothing but CalicoClientError escape any public method under: %s",
    async (faultName) => {
      const proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
      const client = await connectThrough(cp, proxy);
      const fault = proxy.inject({
        path: "*",
        times: Infinity,
        action: faults[faultName] as FaultAction,
      });
      const calls = {
        ...publicCalls(fixture),
        "CalicoClient.connect": (_: CalicoClient, signal: AbortSignal) =>
          CalicoClient.connect({ kubeConfig: kubeConfigFor(cp, proxy.url), signal }).then((c) =>
            c.close(),
          ),
      };
      const escaped: string[] = [];
      // each call has its own budget: a held request ends only with the caller's signal
      await Promise.all(
        Object.entries(calls).map(async ([what, call]) => {
          const signal = AbortSignal.timeout(3_000);
          await call(client, signal).catch((error: unknown) => {
            if (!(error instanceof CalicoClientError)) {
              escaped.push(`${what}: ${String((error as Error)?.name)} ${String(error)}`);
            }
          });
        }),
      );
      client.close();
      await proxy.stop();
      expect(escaped).toEqual([]);
      expect(fault.hits).toBeGreaterThan(0);
    },
  );

  it("reports the caller's abort mid-request, whatever its reason, as Aborted from every public method", async () => {
    const wrong: string[] = [];
    for (const [what, call] of Object.entries(publicCalls(fixture))) {
      // Barrier: the call's first request is held at the proxy, so the abort lands mid-request.
      const held = proxy.inject({ path: "*", action: { kind: "hold" } });
      const controller = new AbortController();
      const outcome = call(client, controller.signal).then(
        // bgpStatus answers per node: its answers carry the errors
        (value) => (Array.isArray(value) ? value.flatMap((v) => (v.ok ? [] : [v.error])) : []),
        (e: unknown) => [e],
      );
      await held.reached();
      controller.abort(new Error("the operator changed their mind"));
      const errors = await outcome;
      held.release();
      // a watch may also end quietly: then there is no error to check
      for (const error of errors) {
        if (!(error instanceof CalicoClientError) || error._tag !== "Aborted") {
          wrong.push(`${what}: ${String((error as Error)?.name)} ${String(error)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("answers patch of a missing object with NotFound, not a raw ApiException", async () => {
    proxy.clear();
    const error = await client.bgpPeers
      .patch(uniqueName("missing"), { spec: { keepOriginalNextHop: true } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalicoClientError);
    expect(error).toMatchObject({ _tag: "NotFound", target: { verb: "get" } });
  });
});
