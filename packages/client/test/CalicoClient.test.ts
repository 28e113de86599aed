import { KubeHttp, startControlPlane, startFaultProxy, uniqueName } from "@calicokit/testkit";
import type { BgpPeer, CalicoNodeStatus } from "@calicokit/types";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import { CalicoClient } from "../src/CalicoClient.js";
import { CalicoClientError } from "../src/CalicoClientError.js";
import type { HeldLease } from "../src/LeaseClient.js";
import { kubeConfigFor } from "./support.js";

const cps = inject("controlPlanes");

function peer(name: string, labels: Record<string, string> = {}): BgpPeer {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: { name, labels },
    spec: { peerIP: "192.0.2.10", asNumber: 64512 },
  } as BgpPeer;
}

describe("connect", () => {
  it("fails clearly when no cluster is configured", async () => {
    const empty = new KubeConfig();
    empty.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: "" });
    await expect(CalicoClient.connect({ kubeConfig: empty })).rejects.toThrow(
      /no Kubernetes cluster is configured/,
    );
    await expect(
      CalicoClient.connect({ kubeconfigPath: cps.v3.admin.kubeconfigPath, context: "nope" }),
    ).rejects.toThrow(/context "nope" is not in/);
  });

  it("says so when forced onto a Calico API the cluster does not serve", async () => {
    await expect(
      CalicoClient.connect({ kubeconfigPath: cps.v3.admin.kubeconfigPath, api: "v1" }),
    ).rejects.toMatchObject({
      _tag: "NotFound",
      message: expect.stringMatching(/Calico CRDs not found/),
    });
  });
});

describe.each(["v1", "v3"] as const)("CalicoClient on %s CRDs", (set) => {
  const cp = cps[set];
  const raw = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

  it("detects the API group and reports the Calico version", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    expect(client.api.version).toBe(set);
    expect(client.facts.server).toBe(cp.url);
    const info = await client.clusterInformations.apply({
      apiVersion: "projectcalico.org/v3",
      kind: "ClusterInformation",
      metadata: { name: "default" },
      spec: { calicoVersion: "v3.31.0", clusterType: "k8s,bgp" },
    } as never);
    expect(info.spec.calicoVersion).toBe("v3.31.0");
    const again = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    expect(again.facts.calicoVersion).toBe("v3.31.0");
    client.close();
    again.close();
  });

  it("validates before sending: an invalid peer never reaches the apiserver", async () => {
    const proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    const client = await CalicoClient.connect({ kubeConfig: kubeConfigFor(cp, proxy.url) });
    const before = proxy.requests.length;
    const bad = { ...peer(uniqueName("bad")), spec: { peerIP: "not-an-ip", asNumber: 64512 } };
    const error = await client.bgpPeers.create(bad as BgpPeer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalicoClientError);
    expect(error).toMatchObject({ _tag: "Invalid" });
    expect((error as CalicoClientError).causes.map((c) => c.field)).toContain("spec.peerIP");
    expect(proxy.requests.length).toBe(before);
    client.close();
    await proxy.stop();
  });

  it("does CRUD with typed objects, in v3 shape whatever the storage", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("peer");
    const created = await client.bgpPeers.create(peer(name, { team: "net" }));
    expect(created.apiVersion).toBe("projectcalico.org/v3");
    expect(created.metadata.labels).toEqual({ team: "net" });
    const patched = await client.bgpPeers.patch(name, { spec: { asNumber: 64513 } });
    expect(patched.spec.asNumber).toBe(64513);
    const listed = [];
    for await (const p of client.bgpPeers.list({ labelSelector: "team=net" })) listed.push(p);
    expect(listed.map((p) => p.metadata.name)).toContain(name);
    await client.bgpPeers.delete(name);
    await expect(client.bgpPeers.get(name)).rejects.toMatchObject({ _tag: "NotFound" });
    client.close();
  });

  it("moves a Node in and out of route-reflector duty without touching other fields", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const node = uniqueName("node");
    await raw.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { metadata: { name: node, labels: { zone: "a" }, annotations: { keep: "me" } } },
    });
    const set1 = await client.nodes.setRouteReflector(node, { clusterId: "244.0.0.1" });
    expect(set1.node.spec.bgp?.routeReflectorClusterID).toBe("244.0.0.1");
    expect(set1.kubernetes.metadata.labels).toEqual({
      zone: "a",
      "projectcalico.org/RouteReflectorClusterID": "244.0.0.1",
    });
    await expect(
      client.nodes.setRouteReflector(node, { clusterId: "10.0.0.0/8" }),
    ).rejects.toMatchObject({
      _tag: "Invalid",
    });
    const cleared = await client.nodes.clearRouteReflector(node);
    expect(cleared.kubernetes.metadata.labels).toEqual({ zone: "a" });
    expect(cleared.kubernetes.metadata.annotations).toEqual({ keep: "me" });
    client.close();
  });

  it("keeps another writer's labels when a Node patch meets a 409", async () => {
    const node = uniqueName("node");
    await raw.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { metadata: { name: node } },
    });
    const proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    // our first PATCH is held at the proxy; meanwhile another writer changes the Node, so ours
    // (built on the Node as it was read) meets a 409 once released
    const barrier = proxy.inject({
      method: "PATCH",
      path: `/api/v1/nodes/${node}`,
      action: { kind: "hold" },
    });
    const client = await CalicoClient.connect({ kubeConfig: kubeConfigFor(cp, proxy.url) });
    const ours = client.nodes.setRouteReflector(node, {
      clusterId: "244.0.0.2",
      label: { key: "route-reflector", value: "true" },
    });
    await barrier.reached();
    const other = await raw.request({
      method: "PATCH",
      path: `/api/v1/nodes/${node}`,
      contentType: "application/merge-patch+json",
      body: { metadata: { labels: { other: "writer" }, annotations: { "other/anno": "x" } } },
    });
    expect(other.status).toBe(200);
    barrier.release();
    const result = await ours;
    expect(result.kubernetes.metadata.labels).toMatchObject({
      other: "writer",
      "route-reflector": "true",
    });
    expect(result.kubernetes.metadata.annotations).toMatchObject({
      "other/anno": "x",
      "projectcalico.org/RouteReflectorClusterID": "244.0.0.2",
    });
    const patches = proxy.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((p) => p.status)).toEqual([409, 200]);
    client.close();
    await proxy.stop();
  });

  it("holds a Lease for one run at a time", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("run");
    const ref = { name, namespace: "default" };
    const a = await client.leases.acquire({ ...ref, holder: "run-a" }, { durationSeconds: 2 });
    await expect(client.leases.acquire({ ...ref, holder: "run-b" })).rejects.toMatchObject({
      _tag: "Conflict",
      message: expect.stringMatching(/held by "run-a"/),
    });
    const renewed = await client.leases.renew(a);
    expect(renewed.renewedAt.getTime()).toBeGreaterThanOrEqual(a.renewedAt.getTime());
    await client.leases.release(renewed);
    const b = await client.leases.acquire({ ...ref, holder: "run-b" }, { durationSeconds: 1 });
    await expect(client.leases.renew(a)).rejects.toMatchObject({ _tag: "Conflict" });
    // b stops renewing: once its claim expires a may take over; until then a gets Conflict
    const takeOver = () =>
      client.leases.acquire({ ...ref, holder: "run-a" }).catch((e: unknown) => {
        if (e instanceof CalicoClientError && e._tag === "Conflict") return undefined;
        throw e;
      });
    let again: HeldLease | undefined;
    await expect
      .poll(
        async () => {
          again = await takeOver();
          return again !== undefined;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const stored = await client.leases.read(ref);
    expect(stored?.spec?.holderIdentity).toBe("run-a");
    expect(stored?.spec?.leaseTransitions).toBe(2);
    // the run that lost its claim learns it at its next renewal
    await expect(client.leases.renew(b)).rejects.toMatchObject({ _tag: "Conflict" });
    await client.leases.release(again as HeldLease);
    client.close();
  });

  /** A core Node named `name`: bgpStatus asks only about nodes that exist. */
  async function createNode(name: string): Promise<void> {
    const created = await raw.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { metadata: { name } },
    });
    expect(created.status).toBe(201);
  }

  it("bgpStatus: answers NotFound at once for a node that does not exist", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const node = uniqueName("no-such-node");
    // a budget far beyond the test's own timeout: only the Node check can end this in time
    const [result] = await client.bgpStatus([node], { timeoutMs: 600_000 });
    expect(result).toMatchObject({ node, ok: false, error: { _tag: "NotFound" } });
    const left = [];
    for await (const s of client.calicoNodeStatuses.list()) {
      if (s.spec.node === node) left.push(s.metadata.name);
    }
    expect(left).toEqual([]);
    client.close();
  });

  it("bgpStatus: times out and cleans up when no calico-node answers", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const node = uniqueName("silent");
    await createNode(node);
    const [result] = await client.bgpStatus([node], { timeoutMs: 1500 });
    expect(result).toMatchObject({ node, ok: false, error: { _tag: "Timeout" } });
    const left = [];
    for await (const s of client.calicoNodeStatuses.list({
      labelSelector: "app.kubernetes.io/managed-by=calicokit",
    })) {
      if (s.spec.node === node) left.push(s);
    }
    expect(left).toEqual([]);
    client.close();
  });

  it("bgpStatus: the caller's abort, with a reason of its own, is Aborted and cleans up", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const node = uniqueName("aborted");
    await createNode(node);
    const asked = async () =>
      (await client.calicoNodeStatuses.listAll()).items.filter((s) => s.spec.node === node);
    const controller = new AbortController();
    const answer = client.bgpStatus([node], { timeoutMs: 600_000, signal: controller.signal });
    // Barrier: the question exists, so the call is waiting for calico-node when it is aborted.
    while ((await asked()).length === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new Error("operator pressed Ctrl-C"));
    const [result] = await answer;
    expect(result).toMatchObject({ node, ok: false, error: { _tag: "Aborted" } });
    expect(result?.ok === false && result.error.message).toContain(
      "aborted by the caller: operator pressed Ctrl-C",
    );
    expect(await asked()).toEqual([]);
    client.close();
  });

  it("bgpStatus: reads per-peer state once the status is filled", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const node = uniqueName("worker");
    await createNode(node);
    const controller = new AbortController();
    // play calico-node: fill each of our objects for this node through the status subresource
    const filler = (async () => {
      for await (const e of client.calicoNodeStatuses.watch({
        labelSelector: "calicokit.io/purpose=bgp-status",
        signal: controller.signal,
      })) {
        if (e.type !== "ADDED" || e.object.spec.node !== node) continue;
        await client.calicoNodeStatuses.replaceStatus({
          ...e.object,
          status: {
            lastUpdated: new Date().toISOString(),
            bgp: {
              numberEstablishedV4: 1,
              numberNotEstablishedV4: 1,
              numberEstablishedV6: 0,
              numberNotEstablishedV6: 0,
              peersV4: [
                { peerIP: "10.0.0.2", type: "NodeMesh", state: "Established", since: "10:00:01" },
                { peerIP: "10.0.0.3", type: "NodePeer", state: "Active", since: "10:00:02" },
              ],
            },
          },
        } as CalicoNodeStatus);
      }
    })().catch(() => undefined);
    const [result] = await client.bgpStatus([node], { timeoutMs: 10_000 });
    controller.abort();
    await filler;
    expect(result).toMatchObject({ node, ok: true, established: 1, notEstablished: 1 });
    if (result?.ok) {
      expect(result.peers).toEqual([
        {
          family: "v4",
          peerIP: "10.0.0.2",
          type: "NodeMesh",
          state: "Established",
          since: "10:00:01",
        },
        { family: "v4", peerIP: "10.0.0.3", type: "NodePeer", state: "Active", since: "10:00:02" },
      ]);
    }
    client.close();
  });

  it("sweeps leftover status objects of ours, and only those", async () => {
    // on a control plane of its own: this sweep takes every object of ours, also the questions
    // that tests running beside it on the shared one are waiting on
    const own = await startControlPlane({ calicoApi: set });
    onTestFinished(() => own.stop());
    const client = await CalicoClient.connect({ kubeconfigPath: own.admin.kubeconfigPath });
    const ours = uniqueName("leftover");
    const foreign = uniqueName("foreign");
    const status = (name: string, labels: Record<string, string>) =>
      ({
        apiVersion: "projectcalico.org/v3",
        kind: "CalicoNodeStatus",
        metadata: { name, labels },
        spec: { node: "n1", classes: ["BGP"], updatePeriodSeconds: 5 },
      }) as CalicoNodeStatus;
    await client.calicoNodeStatuses.create(
      status(ours, {
        "app.kubernetes.io/managed-by": "calicokit",
        "calicokit.io/purpose": "bgp-status",
      }),
    );
    await client.calicoNodeStatuses.create(status(foreign, {}));
    const removed = await client.sweepBgpStatus({ olderThanMs: -60_000 });
    // the plane is this test's alone, so exactly ours; the foreign one goes with the plane
    expect(removed).toEqual([ours]);
    client.close();
  }, 120_000);
});
