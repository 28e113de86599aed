import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { createNamespace, KubeHttp, serviceAccountToken, uniqueName } from "@calicokit/testkit";
import type { BgpPeer } from "@calicokit/types";
import { describe, expect, inject, it } from "vitest";
import { CalicoClient } from "../src/CalicoClient.js";
import { CalicoClientError } from "../src/CalicoClientError.js";
import { kubeConfigFor } from "./support.js";

const cps = inject("controlPlanes");
const repo = resolve(import.meta.dirname, "../../..");
const kubectl = resolve(repo, ".tools/bin/kubectl");
const role = resolve(repo, "deploy/rbac/client-clusterrole.yaml");

function peer(name: string): BgpPeer {
  return {
    apiVersion: "projectcalico.org/v3",
    kind: "BGPPeer",
    metadata: { name, labels: { rbac: "test" } },
    spec: { peerIP: "192.0.2.20", asNumber: 64512 },
  } as BgpPeer;
}

describe.each(["v1", "v3"] as const)("RBAC on %s CRDs", (set) => {
  const cp = cps[set];
  const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

  it("runs the whole public surface with only deploy/rbac/client-clusterrole.yaml", async () => {
    execFileSync(kubectl, ["--kubeconfig", cp.admin.kubeconfigPath, "apply", "-f", role], {
      stdio: "pipe",
    });
    const ns = uniqueName("rbac");
    await createNamespace(admin, ns);
    const token = await serviceAccountToken(admin, ns, "calicokit");
    const binding = await admin.request({
      method: "POST",
      path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
      body: {
        metadata: { name: ns },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "calicokit-client",
        },
        subjects: [{ kind: "ServiceAccount", name: "calicokit", namespace: ns }],
      },
    });
    expect(binding.status).toBe(201);
    const node = uniqueName("node");
    await admin.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { metadata: { name: node } },
    });

    const client = await CalicoClient.connect({ kubeConfig: kubeConfigFor(cp, cp.url, token) });
    const name = uniqueName("peer");
    await client.bgpPeers.create(peer(name), { dryRun: true });
    const created = await client.bgpPeers.create(peer(name));
    await client.bgpPeers.get(name);
    await client.bgpPeers.replace({ ...created, spec: { ...created.spec, asNumber: 64513 } });
    await client.bgpPeers.patch(name, { spec: { asNumber: 64514 } });
    await client.bgpPeers.apply(peer(name));
    const controller = new AbortController();
    for await (const _ of client.bgpPeers.watch({
      labelSelector: "rbac=test",
      signal: controller.signal,
    })) {
      controller.abort();
    }
    await client.bgpPeers.delete(name);
    for (const kind of [
      client.bgpConfigurations,
      client.bgpFilters,
      client.ipPools,
      client.blockAffinities,
      client.clusterInformations,
      client.calicoNodeStatuses,
    ] as const) {
      await kind.listPage({ pageSize: 1 });
    }
    await client.nodes.get(node);
    for await (const _ of client.nodes.list({ pageSize: 10 })) break;
    await client.nodes.setRouteReflector(node, { clusterId: "244.0.0.9" });
    await client.nodes.clearRouteReflector(node);
    const [status] = await client.bgpStatus([node], { timeoutMs: 1000 });
    expect(status?.ok).toBe(false);
    await client.sweepBgpStatus();
    const lease = await client.leases.acquire({ name: "calicokit", namespace: ns, holder: "me" });
    await client.leases.release(await client.leases.renew(lease));
    client.close();
  });

  it("names the missing verb and resource in a Forbidden error", async () => {
    const ns = uniqueName("nobody");
    await createNamespace(admin, ns);
    const token = await serviceAccountToken(admin, ns, "unbound");
    const client = await CalicoClient.connect({ kubeConfig: kubeConfigFor(cp, cp.url, token) });
    const error = await client.bgpPeers.create(peer(uniqueName("denied"))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CalicoClientError);
    const forbidden = error as CalicoClientError;
    expect(forbidden._tag).toBe("Forbidden");
    expect(forbidden.code).toBe(403);
    expect(forbidden.target).toMatchObject({
      verb: "create",
      resource: `bgppeers.${client.api.group}`,
    });
    expect(forbidden.message).toMatch(/cannot create resource "bgppeers"/);
    expect(forbidden.message).toContain(`create bgppeers.${client.api.group}`);
    client.close();
  });
});
