import type { CalicoClient } from "@calicokit/client";
import {
  type ControlPlane,
  type FaultProxy,
  grant,
  type KubeHttp,
  type ProxiedRequest,
  serviceAccountToken,
  startControlPlane,
  startFaultProxy,
} from "@calicokit/testkit";
import { calicoNodeAnnotations } from "@calicokit/types";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { planMigration, runMigration, WorkflowError } from "../../src/index.js";
import {
  bindMigrator,
  fullMesh,
  type MigrationLab,
  startMigrationLab,
} from "../support/MigrationLab.js";
import { ok } from "./support/KubeRequest.js";
import { connectThroughProxy, writesIn } from "./support/ProxiedClient.js";

// Scenarios 18 and 19 of the safety notes: a BGP password Secret calico-node cannot read is
// refused before any write, naming the Role to add; the Calico version is read from
// ClusterInformation (another major or a too old minor refused, unknown warned); a cluster that
// serves only crd.projectcalico.org/v1 is migrated there and back, written as calicoctl writes.

const v3 = "/apis/projectcalico.org/v3";
const zoneLabel = "topology.kubernetes.io/zone";
const nodes = [
  { name: "node-1", zone: "zone-a", ipv4: "10.0.0.1" },
  { name: "node-2", zone: "zone-b", ipv4: "10.0.0.2" },
  { name: "node-3", zone: "zone-c", ipv4: "10.0.0.3" },
  { name: "node-4", zone: "zone-a", ipv4: "10.0.0.4" },
];
const ownership = {
  "app.kubernetes.io/managed-by": "calicokit",
  "calicokit.io/component": "route-reflection",
};

async function refusal(promise: Promise<unknown>): Promise<WorkflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowError);
  expect((error as WorkflowError)._tag).toBe("PlanRefused");
  return error as WorkflowError;
}

/** Writes, leaving out SubjectAccessReviews (a POST that asks a question and stores nothing). */
function objectWrites(requests: readonly ProxiedRequest[]): ProxiedRequest[] {
  return writesIn(requests).filter((r) => !r.path.includes("/subjectaccessreviews"));
}

describe("preflight on a control plane of its own, as the least-privilege migration identity", () => {
  let cp: ControlPlane;
  let http: KubeHttp;
  let proxy: FaultProxy;
  let token: string;
  let client: CalicoClient;

  const connect = () => connectThroughProxy(proxy, token);

  beforeAll(async () => {
    cp = await startControlPlane({ calicoApi: "v3" });
    http = cp.http();
    for (const node of nodes) {
      await ok(http, "POST", "/api/v1/nodes", {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name: node.name,
          labels: { [zoneLabel]: node.zone },
          annotations: { [calicoNodeAnnotations.ipv4Address]: `${node.ipv4}/24` },
        },
      });
    }
    await ok(http, "POST", `${v3}/clusterinformations`, {
      apiVersion: "projectcalico.org/v3",
      kind: "ClusterInformation",
      metadata: { name: "default" },
      spec: { calicoVersion: "v3.32.1" },
    });
    await ok(http, "POST", "/api/v1/namespaces/kube-system/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "bgp-passwords" },
      stringData: { mesh: "m3sh-pw", peers: "p33r-pw" },
    });
    token = await bindMigrator(http);
    await serviceAccountToken(http, "kube-system", "calico-node");
    proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    client = await connect();
  });

  afterAll(async () => {
    client?.close();
    await proxy?.stop();
    http?.close();
    await cp?.stop();
  });

  test("18: a mesh password whose Secret calico-node may not read is refused, naming the Secret, the ServiceAccount and the Role; a missing Secret too", async () => {
    await ok(http, "POST", `${v3}/bgpconfigurations`, {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPConfiguration",
      metadata: { name: "default" },
      spec: { nodeMeshPassword: { secretKeyRef: { name: "bgp-passwords", key: "mesh" } } },
    });
    try {
      const before = proxy.requests.length;
      const error = await refusal(planMigration(client, { to: "route-reflectors", rrCount: 2 }));
      const reasons = error.reasons.join("\n");
      expect(reasons).toContain(
        "BGPConfiguration default spec.nodeMeshPassword refers to Secret kube-system/bgp-passwords key mesh, which ServiceAccount kube-system:calico-node (calico-node) may not get/list/watch (SubjectAccessReview)",
      );
      expect(reasons).toContain(
        "kubectl -n kube-system create role bgp-secret-access --verb=get,list,watch --resource=secrets --resource-name=bgp-passwords",
      );
      expect(reasons).toContain("--serviceaccount=kube-system:calico-node");
      expect(objectWrites(proxy.requests.slice(before))).toEqual([]);
      // the SubjectAccessReviews asked about calico-node, never about the migrator
      const reviews = proxy.requests
        .slice(before)
        .filter((r) => r.path.includes("/subjectaccessreviews"));
      expect(reviews.length).toBe(3);

      // another namespace for calico-node (an operator install), where the migration's
      // identity was not given the Secret Role: existence is unknown, and that is a refusal too
      const elsewhere = await refusal(
        planMigration(client, {
          to: "route-reflectors",
          rrCount: 2,
          calicoNodeNamespace: "calico-system",
        }),
      );
      expect(elsewhere.reasons.join("\n")).toContain(
        "refers to Secret calico-system/bgp-passwords key mesh: calicokit may not read its metadata, so whether it exists is unknown; bind the calicokit-migration-secrets Role of deploy/rbac/migration.yaml in calico-system",
      );
      expect(elsewhere.reasons.join("\n")).toContain(
        "ServiceAccount calico-system:calico-node (calico-node) may not get/list/watch",
      );

      // a Secret that does not exist
      await ok(
        http,
        "PATCH",
        `${v3}/bgpconfigurations/default`,
        { spec: { nodeMeshPassword: { secretKeyRef: { name: "no-such-secret", key: "mesh" } } } },
        true,
      );
      const missing = await refusal(planMigration(client, { to: "route-reflectors", rrCount: 2 }));
      expect(missing.reasons.join("\n")).toContain(
        "refers to Secret kube-system/no-such-secret key mesh, which does not exist in calico-node's namespace kube-system: create it there",
      );
      await ok(
        http,
        "PATCH",
        `${v3}/bgpconfigurations/default`,
        { spec: { nodeMeshPassword: { secretKeyRef: { name: "bgp-passwords", key: "mesh" } } } },
        true,
      );

      // with calico-node's Role the plan is made, and its BGPPeers carry the mesh's password
      await grant(http, {
        name: "bgp-secret-access",
        subject: { kind: "ServiceAccount", name: "calico-node", namespace: "kube-system" },
        rules: [
          {
            apiGroups: [""],
            resources: ["secrets"],
            resourceNames: ["bgp-passwords"],
            verbs: ["get", "list", "watch"],
          },
        ],
        namespace: "kube-system",
      });
      const readable = await planMigration(client, { to: "route-reflectors", rrCount: 2 });
      expect(
        readable.changes.filter((c) => c.kind === "BGPPeer").map((c) => c.after?.spec),
      ).toEqual([
        expect.objectContaining({
          password: { secretKeyRef: { name: "bgp-passwords", key: "mesh" } },
        }),
        expect.objectContaining({
          password: { secretKeyRef: { name: "bgp-passwords", key: "mesh" } },
        }),
      ]);
    } finally {
      await ok(http, "DELETE", `${v3}/bgpconfigurations/default`);
    }
  });

  test("18: calicokit's peers carry a password: a reflector-set change is refused while calico-node may not read it, and planned once it may", async () => {
    // the cluster as a migration leaves it: node-1 and node-2 reflect, the mesh is off
    await ok(http, "POST", `${v3}/bgpconfigurations`, {
      apiVersion: "projectcalico.org/v3",
      kind: "BGPConfiguration",
      metadata: { name: "default" },
      spec: { nodeToNodeMeshEnabled: false },
    });
    for (const name of ["node-1", "node-2"]) {
      await ok(
        http,
        "PATCH",
        `/api/v1/nodes/${name}`,
        {
          metadata: {
            labels: { "route-reflector": "true" },
            annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: "244.0.0.1" },
          },
        },
        true,
      );
    }
    const password = { secretKeyRef: { name: "rr-password", key: "peers" } };
    for (const [name, nodeSelector] of [
      ["node-peer-to-rr", "!has(route-reflector)"],
      ["rr-to-rr-peer", "has(route-reflector)"],
    ] as const) {
      await ok(http, "POST", `${v3}/bgppeers`, {
        apiVersion: "projectcalico.org/v3",
        kind: "BGPPeer",
        metadata: { name, labels: ownership },
        spec: { nodeSelector, peerSelector: "has(route-reflector)", password },
      });
    }
    await ok(http, "POST", "/api/v1/namespaces/kube-system/secrets", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "rr-password" },
      stringData: { peers: "rr-pw" },
    });
    const request = { to: "reflector-set", rrNodes: ["node-1", "node-2", "node-3"] } as const;
    const before = proxy.requests.length;
    const error = await refusal(planMigration(client, request));
    expect(error.reasons).toEqual(
      ["node-peer-to-rr", "rr-to-rr-peer"].map((peer) =>
        expect.stringContaining(
          `BGPPeer ${peer} spec.password refers to Secret kube-system/rr-password key peers, which ServiceAccount kube-system:calico-node (calico-node) may not get/list/watch`,
        ),
      ),
    );
    expect(objectWrites(proxy.requests.slice(before))).toEqual([]);

    await grant(http, {
      name: "rr-password-access",
      subject: { kind: "ServiceAccount", name: "calico-node", namespace: "kube-system" },
      rules: [
        {
          apiGroups: [""],
          resources: ["secrets"],
          resourceNames: ["rr-password"],
          verbs: ["get", "list", "watch"],
        },
      ],
      namespace: "kube-system",
    });
    const plan = await planMigration(client, request);
    expect(plan.from).toBe("route-reflectors");
    expect(plan.changes.map((c) => `${c.step} ${c.name}`)).toEqual([
      "mark-route-reflectors node-3",
    ]);
  });

  test("19: ClusterInformation's Calico version: v2.6.0 is refused, an unknown version warns", async () => {
    const info = `${v3}/clusterinformations/default`;
    await ok(http, "PATCH", info, { spec: { calicoVersion: "v2.6.0" } }, true);
    try {
      // the client reads the version when it connects
      const old = await connect();
      try {
        const before = proxy.requests.length;
        const error = await refusal(planMigration(old, { to: "mesh" }));
        expect(error.reasons.join("\n")).toContain(
          "Calico v2.6.0 (ClusterInformation default): calicokit models Calico v3 (v3.30 and later)",
        );
        expect(objectWrites(proxy.requests.slice(before))).toEqual([]);
      } finally {
        old.close();
      }
      await ok(http, "PATCH", info, { spec: { calicoVersion: null } }, true);
      const unknown = await connect();
      try {
        const plan = await planMigration(unknown, { to: "mesh" });
        expect(plan.warnings.join("\n")).toContain(
          "the Calico version is unknown (ClusterInformation default has no calicoVersion)",
        );
      } finally {
        unknown.close();
      }
    } finally {
      await ok(http, "PATCH", info, { spec: { calicoVersion: "v3.32.1" } }, true);
    }
  });
});

describe("19: only crd.projectcalico.org/v1 served: mesh -> route reflectors -> mesh on the lab (real BIRD)", () => {
  let env: MigrationLab;

  beforeAll(async () => {
    env = await startMigrationLab(`wf-v1-${process.pid % 1000}`, {
      nodes: 4,
      zones: 2,
      calicoApi: "v1",
    });
  });

  afterAll(async () => {
    await env?.close();
  });

  test("the plan says it writes through v1; the objects it creates carry calicoctl's projectcalico.org/metadata; the way back restores the mesh", async () => {
    expect(env.client.facts.api.apiVersion).toBe("crd.projectcalico.org/v1");
    const plan = await planMigration(env.client, { to: "route-reflectors", rrCount: 2 });
    expect(plan.warnings.join("\n")).toContain("only crd.projectcalico.org/v1 is served");
    const record = await runMigration(env.client, plan, { startedBy: "test" });
    expect(record.phase).toBe("Succeeded");

    for (const name of ["node-peer-to-rr", "rr-to-rr-peer"]) {
      const stored = (
        await ok(env.lab.http, "GET", `/apis/crd.projectcalico.org/v1/bgppeers/${name}`)
      ).json<{
        apiVersion: string;
        metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
      }>();
      expect(stored.apiVersion).toBe("crd.projectcalico.org/v1");
      // calicoctl keeps the v3 labels in the annotation and only projectcalico.org/ ones on top
      expect(stored.metadata.labels ?? {}).toEqual({});
      const metadata = JSON.parse(
        stored.metadata.annotations?.["projectcalico.org/metadata"] ?? "{}",
      );
      expect(metadata.labels).toEqual(ownership);
    }
    const again = await planMigration(env.client, { to: "route-reflectors", rrCount: 2 });
    expect(again.nothingToDo).toBe(true);

    const back = await planMigration(env.client, { to: "mesh" });
    expect((await runMigration(env.client, back, { startedBy: "test" })).phase).toBe("Succeeded");
    expect(fullMesh(env.nodes)).toBe(true);
    const peers = (await ok(env.lab.http, "GET", "/apis/crd.projectcalico.org/v1/bgppeers")).json<{
      items: unknown[];
    }>();
    expect(peers.items).toEqual([]);
  });
});
