import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { KubeHttp, uniqueName } from "@calicokit/testkit";
import type { BgpPeer } from "@calicokit/types";
import { describe, expect, inject, it } from "vitest";
import { CalicoClient } from "../src/CalicoClient.js";
import type { CalicoObject } from "../src/CalicoObject.js";
import type { ResourceClient } from "../src/ResourceClient.js";

const cps = inject("controlPlanes");

/** One golden file: what calicoctl has the apiserver store, per intent (see its `facts`). */
interface Golden {
  readonly kind: string;
  readonly crdSet: "v1" | "v3";
  readonly facts: string;
  readonly cases: ReadonlyArray<{ readonly intent: CalicoObject; readonly stored: unknown }>;
}

const goldenDir = resolve(import.meta.dirname, "golden");
const metadataAnnotation = "projectcalico.org/metadata";
const plurals: Record<string, string> = {
  BGPPeer: "bgppeers",
  BGPConfiguration: "bgpconfigurations",
  BGPFilter: "bgpfilters",
  IPPool: "ippools",
  CalicoNodeStatus: "caliconodestatuses",
};

function goldenFiles(set: "v1" | "v3"): Golden[] {
  return readdirSync(resolve(goldenDir, set)).map(
    (file) => JSON.parse(readFileSync(resolve(goldenDir, set, file), "utf8")) as Golden,
  );
}

function withName<T>(value: T, name: string): T {
  return JSON.parse(JSON.stringify(value).replaceAll("<name>", name)) as T;
}

/**
 * The stored object without what the apiserver makes up per object (uid, resourceVersion,
 * timestamps, managedFields, generation); the time inside v1's metadata annotation becomes
 * `<time>` once checked to be an RFC 3339 time with whole seconds, as Go writes it.
 */
function comparable(stored: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: object; annotations?: Record<string, string> };
  spec?: unknown;
}) {
  const { name, labels, annotations } = stored.metadata;
  const kept = annotations === undefined ? undefined : { ...annotations };
  const recorded = kept?.[metadataAnnotation];
  if (kept !== undefined && recorded !== undefined) {
    const time = /"creationTimestamp":"([^"]*)"/.exec(recorded)?.[1];
    if (time !== undefined) expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    kept[metadataAnnotation] = recorded.replace(
      /"creationTimestamp":"[^"]*"/,
      '"creationTimestamp":"<time>"',
    );
  }
  return {
    apiVersion: stored.apiVersion,
    kind: stored.kind,
    metadata: { name, ...(labels ? { labels } : {}), ...(kept ? { annotations: kept } : {}) },
    ...(stored.spec === undefined ? {} : { spec: stored.spec }),
  };
}

function clientFor(client: CalicoClient, kind: string): ResourceClient<CalicoObject> {
  const byKind: Record<string, ResourceClient<CalicoObject>> = {
    BGPPeer: client.bgpPeers as unknown as ResourceClient<CalicoObject>,
    BGPConfiguration: client.bgpConfigurations as unknown as ResourceClient<CalicoObject>,
    BGPFilter: client.bgpFilters as unknown as ResourceClient<CalicoObject>,
    IPPool: client.ipPools as unknown as ResourceClient<CalicoObject>,
    CalicoNodeStatus: client.calicoNodeStatuses as unknown as ResourceClient<CalicoObject>,
  };
  const resources = byKind[kind];
  if (resources === undefined) throw new Error(`no golden client for kind ${kind}`);
  return resources;
}

describe.each(["v3", "v1"] as const)("calicokit writes what calicoctl writes (%s CRDs)", (set) => {
  const cp = cps[set];
  const raw = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  const group = set === "v3" ? "projectcalico.org/v3" : "crd.projectcalico.org/v1";
  const readStored = async (kind: string, name: string) => {
    const res = await raw.request({
      method: "GET",
      path: `/apis/${group}/${plurals[kind]}/${name}`,
    });
    expect(res.status).toBe(200);
    return res.json<Parameters<typeof comparable>[0]>();
  };

  it("has a golden file per kind for this CRD set", () => {
    expect(
      goldenFiles(set)
        .map((g) => [g.kind, g.crdSet])
        .sort(),
    ).toEqual(
      Object.keys(plurals)
        .sort()
        .map((kind) => [kind, set]),
    );
  });

  for (const golden of goldenFiles(set)) {
    it(`stores each ${golden.kind} intent byte for byte as calicoctl does`, async () => {
      const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
      const resources = clientFor(client, golden.kind);
      for (const [index, { intent, stored }] of golden.cases.entries()) {
        const name = uniqueName(`golden-${golden.kind.toLowerCase()}-${index}`);
        const object = withName(intent, name);
        await resources.create(object);
        const seen = await readStored(golden.kind, object.metadata.name as string);
        expect(comparable(seen)).toEqual(withName(stored, name));
        await resources.delete(object.metadata.name as string);
      }
      client.close();
    });
  }

  it("a patch to keepOriginalNextHop: false removes the key, as calicoctl's Update stores it", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("golden-patch");
    await client.bgpPeers.create({
      apiVersion: "projectcalico.org/v3",
      kind: "BGPPeer",
      metadata: { name },
      spec: { peerIP: "192.0.2.2", asNumber: 64512, keepOriginalNextHop: true },
    } as BgpPeer);
    const patched = await client.bgpPeers.patch(name, { spec: { keepOriginalNextHop: false } });
    expect(patched.spec).toEqual({ peerIP: "192.0.2.2", asNumber: 64512 });
    expect((await readStored("BGPPeer", name)).spec).toEqual({
      peerIP: "192.0.2.2",
      asNumber: 64512,
    });
    await client.bgpPeers.delete(name);
    client.close();
  });

  it("reads an IPPool stored with only its cidr with the defaults calicoctl shows", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("golden-bare-pool");
    const created = await raw.request({
      method: "POST",
      path: `/apis/${group}/ippools`,
      body: {
        apiVersion: group,
        kind: "IPPool",
        metadata: { name },
        spec: { cidr: "203.0.113.0/24" },
      },
    });
    expect(created.status).toBe(201);
    const pool = await client.ipPools.get(name);
    expect(pool.spec).toEqual({
      cidr: "203.0.113.0/24",
      nodeSelector: "all()",
      blockSize: 26,
      allowedUses: ["Workload", "Tunnel"],
      assignmentMode: "Automatic",
      ipipMode: "Never",
      vxlanMode: "Never",
    });
    const listed = [];
    for await (const p of client.ipPools.list()) if (p.metadata.name === name) listed.push(p.spec);
    expect(listed).toEqual([pool.spec]);
    await client.ipPools.delete(name);
    client.close();
  });
});

describe("Nodes as calicoctl shows and selects them", () => {
  const cp = cps.v3;
  const raw = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  const createNode = async (name: string, calicoLabels?: Record<string, string>) => {
    const annotations = calicoLabels
      ? { "projectcalico.org/labels": JSON.stringify(calicoLabels) }
      : undefined;
    const res = await raw.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: {
        metadata: { name, labels: { "golden-run": name }, ...(annotations ? { annotations } : {}) },
      },
    });
    expect(res.status).toBe(201);
    return res.json<{ metadata: { creationTimestamp: string } }>();
  };

  it("prints creationTimestamp as the apiserver does, whole seconds without milliseconds", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("golden-node-time");
    const created = await createNode(name);
    expect(created.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const view = await client.nodes.get(name);
    expect(view.node.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    expect(view.kubernetes.metadata.creationTimestamp).toBe(created.metadata.creationTimestamp);
    const listed = [];
    for await (const n of client.nodes.list({ labelSelector: `golden-run=${name}` })) {
      listed.push(n.node.metadata.creationTimestamp);
    }
    expect(listed).toEqual([created.metadata.creationTimestamp]);
    await raw.request({ method: "DELETE", path: `/api/v1/nodes/${name}` });
    client.close();
  });

  it("selects by Calico labels (calicoctl label's annotation included) with `selector`", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const labelled = uniqueName("golden-rr");
    const plain = uniqueName("golden-plain");
    await createNode(labelled, { "route-reflector": "true" });
    await createNode(plain);
    const names = async (options: Parameters<typeof client.nodes.list>[0]) => {
      const found: string[] = [];
      for await (const n of client.nodes.list(options)) found.push(n.node.metadata.name);
      return found.filter((n) => n === labelled || n === plain);
    };
    expect(await names({ selector: "route-reflector == 'true'" })).toEqual([labelled]);
    expect(await names({ selector: "!has(route-reflector)" })).toContain(plain);
    expect(await names({ selector: "!has(route-reflector)" })).not.toContain(labelled);
    // a Kubernetes labelSelector sees only Kubernetes labels, never the annotation
    expect(await names({ labelSelector: "route-reflector=true" })).toEqual([]);
    // both: a Node must match both
    expect(
      await names({ selector: "has(route-reflector)", labelSelector: `golden-run=${plain}` }),
    ).toEqual([]);
    await expect(names({ selector: "route-reflector = 'true'" })).rejects.toMatchObject({
      _tag: "Config",
      causes: [expect.objectContaining({ field: "selector" })],
    });
    for (const name of [labelled, plain]) {
      await raw.request({ method: "DELETE", path: `/api/v1/nodes/${name}` });
    }
    client.close();
  });

  it("applyCalicoNode checks the Node as calicoctl does before writing", async () => {
    const client = await CalicoClient.connect({ kubeconfigPath: cp.admin.kubeconfigPath });
    const name = uniqueName("golden-apply");
    await createNode(name);
    const { node } = await client.nodes.get(name);
    const before = (await client.nodes.get(name)).kubernetes.metadata.resourceVersion;
    const bad = { ...node, spec: { ...node.spec, bgp: { routeReflectorClusterID: "300.34.3.1" } } };
    await expect(client.nodes.applyCalicoNode(bad)).rejects.toMatchObject({
      _tag: "Invalid",
      causes: [expect.objectContaining({ field: "spec.bgp.routeReflectorClusterID" })],
    });
    expect((await client.nodes.get(name)).kubernetes.metadata.resourceVersion).toBe(before);
    // Calico's documented edit: a label and the cluster ID, on the Node as calicoctl shows it
    const edited = {
      ...node,
      metadata: {
        ...node.metadata,
        labels: { ...node.metadata.labels, "route-reflector": "true" },
      },
      spec: {
        ...node.spec,
        bgp: { ipv4Address: "10.0.0.5/24", routeReflectorClusterID: "244.0.0.1" },
      },
    };
    const applied = await client.nodes.applyCalicoNode(edited);
    expect(applied.node.spec.bgp).toEqual({
      ipv4Address: "10.0.0.5/24",
      routeReflectorClusterID: "244.0.0.1",
    });
    expect(applied.node.metadata.labels?.["route-reflector"]).toBe("true");
    await raw.request({ method: "DELETE", path: `/api/v1/nodes/${name}` });
    client.close();
  });
});
