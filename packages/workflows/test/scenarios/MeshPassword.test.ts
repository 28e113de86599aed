import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LabNodeStatus } from "@calicokit/lab";
import { grant } from "@calicokit/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { planMigration, rollbackMigration, runMigration } from "../../src/index.js";
import {
  birdcBgp,
  fullMesh,
  type MigrationLab,
  startMigrationLab,
  waitUntil,
} from "../support/MigrationLab.js";
import { ok } from "./support/KubeRequest.js";

// A mesh with a BGP password and a graceful-restart time (BGPConfiguration nodeMeshPassword,
// nodeMeshMaxRestartTime). Calico forbids both while the mesh is off, so the move to route
// reflectors puts them on the BGPPeers and removes them in the mesh switch, and the way back
// (a rollback, or a migration to the mesh) puts them back: every session keeps its password.
// Checked in each node's rendered BIRD config and with real BIRD (TCP MD5: a session whose two
// ends disagree on the password never comes up).

const v3 = "/apis/projectcalico.org/v3";
const secret = "s3cret-mesh";
const password = { secretKeyRef: { name: "bgp-passwords", key: "mesh" } };

let env: MigrationLab;

/** Each BGP protocol of the node's rendered IPv4 BIRD config: its name and its lines. */
function bgpProtocols(node: LabNodeStatus): { name: string; body: string }[] {
  const text = readFileSync(join(dirname(node.birdSocket), "bird.cfg"), "utf8");
  return [...text.matchAll(/^protocol bgp (\S+) from bgp_template \{\n([\s\S]*?)^\}/gm)].map(
    (m) => ({ name: m[1] ?? "", body: m[2] ?? "" }),
  );
}

/** Every node renders `kind` sessions only, each with the password and restart time. */
function everySession(kind: "Mesh_" | "Node_"): boolean {
  return env.nodes.every((node) => {
    const protocols = bgpProtocols(node);
    return (
      protocols.length > 0 &&
      protocols.every(
        (p) =>
          p.name.startsWith(kind) &&
          p.body.includes(`password "${secret}";`) &&
          p.body.includes("graceful restart time 120;"),
      )
    );
  });
}

const meshUp = () => everySession("Mesh_") && fullMesh(env.nodes);
const reflectorsUp = () =>
  everySession("Node_") &&
  env.nodes.every((n) =>
    birdcBgp(n).every((row) => row.name.startsWith("Node_") && row.established),
  );

/** The mesh's fields of BGPConfiguration `default` (the lab sets others, e.g. asNumber). */
async function meshFields(): Promise<Record<string, unknown>> {
  const response = await ok(env.lab.http, "GET", `${v3}/bgpconfigurations/default`);
  const { spec } = response.json<{ spec: Record<string, unknown> }>();
  return Object.fromEntries(
    ["nodeToNodeMeshEnabled", "nodeMeshPassword", "nodeMeshMaxRestartTime"]
      .filter((field) => field in spec)
      .map((field) => [field, spec[field]]),
  );
}

beforeAll(async () => {
  env = await startMigrationLab("meshpw", { nodes: 4, zones: 2 });
  const http = env.lab.http;
  await ok(http, "POST", "/api/v1/namespaces/kube-system/secrets", {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "bgp-passwords" },
    stringData: { mesh: secret },
  });
  // calico-node's documented Role for BGP passwords (the preflight asks whether it has it)
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
  // as an operator types it (a CRD-only install keeps "120s"; the client writes Go's "2m0s")
  await ok(
    http,
    "PATCH",
    `${v3}/bgpconfigurations/default`,
    { spec: { nodeMeshPassword: password, nodeMeshMaxRestartTime: "120s" } },
    true,
  );
  // Barrier: the mesh runs with its password (its sessions restarted with it and came back).
  await waitUntil("a full mesh with its password", 60_000, meshUp);
}, 180_000);

afterAll(() => env?.close());

describe("a mesh with a password and a restart time", () => {
  test("moves them onto the BGPPeers and back, by rollback and by a migration to the mesh", async () => {
    const settings = { startedBy: "test", verifyTimeoutMs: 60_000 };
    const plan = await planMigration(env.client, { to: "route-reflectors", rrCount: 2 });
    const peers = plan.changes.filter((c) => c.kind === "BGPPeer");
    expect(peers.map((c) => c.after?.spec)).toEqual([
      expect.objectContaining({ password, maxRestartTime: "120s" }),
      expect.objectContaining({ password, maxRestartTime: "120s" }),
    ]);

    const moved = await runMigration(env.client, plan, settings);
    expect(moved.phase).toBe("Succeeded");
    expect(await meshFields()).toEqual({ nodeToNodeMeshEnabled: false });
    await waitUntil("route-reflector sessions with the password", 60_000, reflectorsUp);

    // undone in reverse: the mesh switch's compensation brings both fields back with the mesh
    const undone = await rollbackMigration(env.client, plan.id, settings);
    expect(undone.phase).toBe("RolledBack");
    // as it was (the client writes the duration as Go does)
    expect(await meshFields()).toEqual({
      nodeToNodeMeshEnabled: true,
      nodeMeshPassword: password,
      nodeMeshMaxRestartTime: "2m0s",
    });
    await waitUntil("the mesh with its password again", 60_000, meshUp);

    const again = await runMigration(
      env.client,
      await planMigration(env.client, { to: "route-reflectors", rrCount: 2 }),
      settings,
    );
    expect(again.phase).toBe("Succeeded");
    const back = await planMigration(env.client, { to: "mesh" });
    expect(back.changes.find((c) => c.step === "enable-mesh")?.after).toEqual({
      nodeToNodeMeshEnabled: true,
      nodeMeshPassword: password,
      nodeMeshMaxRestartTime: "2m0s",
    });
    const meshAgain = await runMigration(env.client, back, settings);
    expect(meshAgain.phase).toBe("Succeeded");
    expect(await meshFields()).toEqual({
      nodeToNodeMeshEnabled: true,
      nodeMeshPassword: password,
      nodeMeshMaxRestartTime: "2m0s",
    });
    await waitUntil("the mesh with its password after the way back", 60_000, meshUp);
  }, 300_000);
});
