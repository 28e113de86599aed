import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { calicoGroup, grant, KubeHttp, restrictedUser } from "../src/index.js";
import { binaryPath } from "../src/ToolPaths.js";

const run = promisify(execFile);
const controlPlanes = inject("controlPlanes");

describe.each(["v1", "v3"] as const)("control plane with Calico %s CRDs", (set) => {
  const cp = controlPlanes[set];
  const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  const restricted = admin.as(cp.restricted.token);
  const group = calicoGroup[set];
  const version = set;
  const peers = `/apis/${group}/${version}/bgppeers`;
  const apiVersion = `${group}/${version}`;
  const unique = () => `t-${randomUUID().slice(0, 8)}`;

  it("accepts a BGPPeer written as a raw request and reads it back intact", async () => {
    const name = unique();
    const spec = {
      peerIP: "10.0.0.1",
      asNumber: 64513,
      nodeSelector: "has(route-reflector)",
      keepOriginalNextHop: true,
    };
    const created = await admin.request({
      method: "POST",
      path: peers,
      body: { apiVersion, kind: "BGPPeer", metadata: { name, labels: { owner: "test" } }, spec },
    });
    expect(created.status, created.text).toBe(201);
    const read = await admin.request({ method: "GET", path: `${peers}/${name}` });
    expect(read.status).toBe(200);
    const body = read.json<{ metadata: { labels: unknown }; spec: unknown }>();
    expect(body.spec).toEqual(spec);
    expect(body.metadata.labels).toEqual({ owner: "test" });
  });

  it("rejects a BGPPeer with both peerIP and peerSelector with the CRD's own message", async () => {
    const res = await admin.request({
      method: "POST",
      path: peers,
      body: {
        apiVersion,
        kind: "BGPPeer",
        metadata: { name: unique() },
        spec: { peerIP: "10.0.0.1", peerSelector: "has(route-reflector)" },
      },
    });
    expect(res.status).toBe(422);
    const status = res.json<{ reason: string; message: string }>();
    expect(status.reason).toBe("Invalid");
    expect(status.message).toContain("peerIP and peerSelector cannot both be set");
  });

  it("denies the restricted user until a Role grants it, then allows only what it grants", async () => {
    const name = unique();
    const before = await restricted.request({ method: "GET", path: peers });
    expect(before.status).toBe(403);

    await grant(admin, {
      name: `read-peers-${name}`,
      subject: { kind: "User", name: restrictedUser.name },
      rules: [{ apiGroups: [group], resources: ["bgppeers"], verbs: ["get", "list"] }],
    });
    // RBAC is read from an informer cache: the grant takes effect within a moment
    await expect
      .poll(async () => (await restricted.request({ method: "GET", path: peers })).status)
      .toBe(200);

    const write = await restricted.request({
      method: "POST",
      path: peers,
      body: { apiVersion, kind: "BGPPeer", metadata: { name }, spec: { peerIP: "10.0.0.2" } },
    });
    expect(write.status).toBe(403);
    const otherKind = await restricted.request({
      method: "GET",
      path: `/apis/${group}/${version}/bgpconfigurations`,
    });
    expect(otherKind.status).toBe(403);
  });

  it("serves the Calico CRDs to the built kubectl", async () => {
    const { stdout } = await run(binaryPath("kubectl"), [
      "--kubeconfig",
      cp.admin.kubeconfigPath,
      "get",
      "crd",
      "-o",
      "name",
    ]);
    const names = stdout.trim().split("\n");
    for (const plural of ["bgppeers", "bgpconfigurations", "ippools", "caliconodestatuses"]) {
      expect(names).toContain(`customresourcedefinition.apiextensions.k8s.io/${plural}.${group}`);
    }
  });
});
