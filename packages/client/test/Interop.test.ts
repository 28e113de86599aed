import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { KubeHttp, startFaultProxy, uniqueName } from "@calicokit/testkit";
import type { BgpPeer } from "@calicokit/types";
import { describe, expect, inject, it } from "vitest";
import { CalicoClient } from "../src/CalicoClient.js";
import { kubeConfigFor } from "./support.js";

const cps = inject("controlPlanes");
const kubectlBin = resolve(import.meta.dirname, "../../../.tools/bin/kubectl");

function peer(name: string): BgpPeer {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: {
      name,
      labels: { team: "net" },
      annotations: { note: "hello", "projectcalico.org/keep": "yes" },
    },
    spec: { peerIP: "192.0.2.30", asNumber: 64512, nodeSelector: "rack == 'r1'" },
  } as BgpPeer;
}

/** Calico's ConvertUID: bit-reverse every byte except 6 and 8 (UUID version and variant). */
function convertUid(uid: string): string {
  const bytes = Buffer.from(uid.replaceAll("-", ""), "hex");
  const out = bytes.map((b, i) => {
    if (i === 6 || i === 8) return b;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) r |= ((b >> bit) & 1) << (7 - bit);
    return r;
  });
  const hex = Buffer.from(out).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Stored {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

describe.each(["v1", "v3"] as const)("interop on %s CRDs", (set) => {
  const cp = cps[set];
  const kubectl = (args: string[], input?: string) =>
    execFileSync(kubectlBin, ["--kubeconfig", cp.admin.kubeconfigPath, ...args], {
      encoding: "utf8",
      ...(input === undefined ? {} : { input }),
    });
  const group = set === "v3" ? "projectcalico.org" : "crd.projectcalico.org";

  it("kubectl reads back what the client created, intact", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("to-kubectl");
    await client.bgpPeers.create(peer(name));
    const seen = JSON.parse(kubectl(["get", `bgppeers.${group}`, name, "-o", "json"])) as Stored;
    expect(seen.spec).toEqual(peer(name).spec);
    if (set === "v3") {
      expect(seen.metadata.labels).toEqual({ team: "net" });
      expect(seen.metadata.annotations).toEqual(peer(name).metadata.annotations);
    }
    await client.bgpPeers.delete(name);
    client.close();
  });

  it("the client reads what kubectl created", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("from-kubectl");
    kubectl(
      ["apply", "-f", "-"],
      [
        `apiVersion: ${group}/${set}`,
        "kind: BGPPeer",
        "metadata:",
        `  name: ${name}`,
        "  labels: {made-by: kubectl}",
        "spec:",
        "  peerIP: 192.0.2.40",
        "  asNumber: 65001",
        "",
      ].join("\n"),
    );
    const read = await client.bgpPeers.get(name);
    expect(read.apiVersion).toBe("projectcalico.org/v3");
    expect(read.spec).toEqual({ peerIP: "192.0.2.40", asNumber: 65001 });
    expect(read.metadata.labels).toEqual({ "made-by": "kubectl" });
    const listed = [];
    for await (const p of client.bgpPeers.list({ labelSelector: "made-by=kubectl" })) {
      listed.push(p.metadata.name);
    }
    expect(listed).toContain(name);
    await client.bgpPeers.delete(name);
    client.close();
  });

  it("patches a Calico object without losing another writer's labels and annotations", async () => {
    const name = uniqueName("two-writers");
    const admin = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    await admin.bgpPeers.create(peer(name));
    const proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    // our first PATCH is held at the proxy while another writer changes the object
    const barrier = proxy.inject({
      method: "PATCH",
      path: `/apis/${group}/*`,
      action: { kind: "hold" },
    });
    const slow = await CalicoClient.connect({ kubeConfig: kubeConfigFor(cp, proxy.url) });
    const ours = slow.bgpPeers.patch(name, { spec: { asNumber: 64999 } });
    await barrier.reached();
    await admin.bgpPeers.patch(name, {
      metadata: { labels: { other: "writer" }, annotations: { "other/anno": "x" } },
    });
    barrier.release();
    const result = await ours;
    expect(result.spec.asNumber).toBe(64999);
    expect(result.metadata.labels).toEqual({ team: "net", other: "writer" });
    expect(result.metadata.annotations).toMatchObject({ note: "hello", "other/anno": "x" });
    expect(proxy.requests.filter((r) => r.method === "PATCH").map((r) => r.status)).toEqual([
      409, 200,
    ]);
    await admin.bgpPeers.delete(name);
    await proxy.stop();
    admin.close();
    slow.close();
  });
});

describe("crd.projectcalico.org/v1 mode writes what calicoctl writes (§6.2)", () => {
  const cp = cps.v1;
  const raw = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

  it("stores metadata in projectcalico.org/metadata, keeps only Calico keys on top, converts the UID", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("calicoctl-like");
    const created = await client.bgpPeers.create(peer(name));
    const res = await raw.request({
      method: "GET",
      path: `/apis/crd.projectcalico.org/v1/bgppeers/${name}`,
    });
    const stored = res.json<Stored>();
    expect(stored.apiVersion).toBe("crd.projectcalico.org/v1");
    expect(stored.kind).toBe("BGPPeer");
    expect(stored.spec).toEqual(peer(name).spec);
    // only keys containing projectcalico.org/ (or operator.tigera.io/) stay at the top level
    expect(stored.metadata.labels ?? {}).toEqual({});
    const annotations = stored.metadata.annotations ?? {};
    expect(Object.keys(annotations).sort()).toEqual([
      "projectcalico.org/keep",
      "projectcalico.org/metadata",
    ]);
    const meta = JSON.parse(annotations["projectcalico.org/metadata"] as string);
    expect(meta.labels).toEqual({ team: "net" });
    expect(meta.annotations).toEqual({ note: "hello", "projectcalico.org/keep": "yes" });
    expect(meta.name).toBeUndefined();
    expect(meta.uid).toBeUndefined();
    expect(meta.resourceVersion).toBeUndefined();
    // the v3 UID the client reports is Calico's conversion of the stored one
    expect(created.metadata.uid).toBe(convertUid(stored.metadata.uid));
    await client.bgpPeers.delete(name, { uid: created.metadata.uid as string });
    client.close();
  });

  it("applies libcalico-go defaults before storing (IPPool)", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("pool");
    await client.ipPools.create({
      apiVersion: "projectcalico.org/v3",
      kind: "IPPool",
      metadata: { name },
      spec: { cidr: "10.123.0.0/16" },
    } as never);
    const stored = (
      await raw.request({ method: "GET", path: `/apis/crd.projectcalico.org/v1/ippools/${name}` })
    ).json<Stored>();
    expect(stored.spec).toMatchObject({
      cidr: "10.123.0.0/16",
      blockSize: 26,
      nodeSelector: "all()",
      ipipMode: "Never",
      vxlanMode: "Never",
    });
    await client.ipPools.delete(name);
    client.close();
  });
});
