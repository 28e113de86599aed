import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CalicoClient } from "@calicokit/client";
import { Lab, type LabNodeStatus, type RouteGap } from "@calicokit/lab";
import {
  grant,
  type KubeHttp,
  type PolicyRule,
  renderKubeconfig,
  serviceAccountToken,
} from "@calicokit/testkit";
import { parseAllDocuments } from "yaml";

/** One BGP protocol row of the real `birdc show protocols`. */
export interface BirdcRow {
  readonly name: string;
  readonly established: boolean;
  /** BIRD's state words and last error, e.g. `Established` or `Active Socket: Connection refused`. */
  readonly info: string;
}

/** The node's BGP protocols, read with the real birdc (no lab or workflow code in between). */
export function birdcBgp(node: LabNodeStatus): BirdcRow[] {
  return execFileSync("birdc", ["-s", node.birdSocket, "show", "protocols"], { encoding: "utf8" })
    .split("\n")
    .slice(2)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && f[1] === "BGP")
    .map((f) => ({
      name: f[0] ?? "",
      established: f[3] === "up" && f[5] === "Established",
      info: f.slice(5).join(" "),
    }));
}

/** Polls until `check` holds; fails with `describe()` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  check: () => boolean | Promise<boolean>,
  describe: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms\n${describe()}`);
    await sleep(100);
  }
}

/** Every node has an Established mesh session to every other node, and nothing else. */
export function fullMesh(nodes: readonly LabNodeStatus[]): boolean {
  return nodes.every((n) => {
    const rows = birdcBgp(n);
    return (
      rows.length === nodes.length - 1 &&
      rows.every((r) => r.name.startsWith("Mesh_") && r.established)
    );
  });
}

/** A lab plus a client connected to its API server, for migration tests. */
export interface MigrationLab {
  readonly lab: Lab;
  readonly client: CalicoClient;
  readonly nodes: readonly LabNodeStatus[];
  close(): Promise<void>;
}

export async function startMigrationLab(
  name: string,
  options: {
    readonly nodes: number;
    readonly zones: number;
    readonly ipv6?: boolean;
    /** The Calico API group the lab serves; default v3. */
    readonly calicoApi?: "v3" | "v1";
  },
): Promise<MigrationLab> {
  const lab = await Lab.up({
    name,
    nodes: options.nodes,
    zones: options.zones,
    asNumber: 64512,
    calicoApi: options.calicoApi ?? "v3",
    ...(options.ipv6 ? { ipv6: true } : {}),
  });
  try {
    const nodes = lab.status().nodes;
    await waitUntil("full mesh", 30_000, () => fullMesh(nodes));
    const client = await CalicoClient.connect({ kubeconfigPath: await migratorKubeconfig(lab) });
    return {
      lab,
      client,
      nodes,
      close: async () => {
        client.close();
        await lab.down();
      },
    };
  } catch (error) {
    await lab.down();
    throw error;
  }
}

/** Creates a Pod bound to `node` (no kubelet runs in the lab: it stays Pending, which counts). */
export async function placePod(lab: Lab, node: string, name: string): Promise<void> {
  const response = await lab.http.request({
    method: "POST",
    path: "/api/v1/namespaces/default/pods",
    body: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      // no kubelet confirms a graceful deletion in the lab: 0 s lets an eviction complete
      spec: {
        nodeName: node,
        terminationGracePeriodSeconds: 0,
        containers: [{ name: "app", image: "registry.example/app:1" }],
      },
    },
  });
  if (response.status >= 300)
    throw new Error(`creating pod ${name}: ${response.status} ${response.text}`);
}

/** Gaps between two nodes that both run pods: the ones a workload could feel. */
export function podAffecting(gaps: readonly RouteGap[], podNodes: ReadonlySet<string>): RouteGap[] {
  return gaps.filter((g) => podNodes.has(g.node) && podNodes.has(g.owner));
}

/** The rules of deploy/rbac/migration.yaml: what a migration may need, and nothing more. */
export function migrationRules(): { cluster: PolicyRule[]; namespaced: PolicyRule[] } {
  const file = join(import.meta.dirname, "../../../../deploy/rbac/migration.yaml");
  const docs = parseAllDocuments(readFileSync(file, "utf8")).map(
    (d) => d.toJS() as { kind: string; rules: PolicyRule[] },
  );
  const rules = (kind: string) => docs.filter((d) => d.kind === kind).flatMap((d) => d.rules);
  // both Roles: the journal's and the password preflight's (calico-node's namespace is the
  // journal's, kube-system, in the lab)
  return { cluster: rules("ClusterRole"), namespaced: rules("Role") };
}

const migrator = {
  kind: "ServiceAccount",
  name: "calicokit-migrator",
  namespace: "kube-system",
} as const;

/** Binds the ServiceAccount calicokit-migrator to deploy/rbac/migration.yaml's rules; its token. */
export async function bindMigrator(admin: KubeHttp): Promise<string> {
  const token = await serviceAccountToken(admin, migrator.namespace, migrator.name);
  const { cluster, namespaced } = migrationRules();
  await grant(admin, { name: "calicokit-migration", subject: migrator, rules: cluster });
  await grant(admin, {
    name: "calicokit-migration",
    subject: migrator,
    rules: namespaced,
    namespace: migrator.namespace,
  });
  return token;
}

/**
 * A kubeconfig for a ServiceAccount bound only to deploy/rbac/migration.yaml's rules: the
 * migration tests run with the least privilege a migration needs.
 */
export async function migratorKubeconfig(lab: Lab): Promise<string> {
  const token = await bindMigrator(lab.controlPlane.http());
  const path = join(lab.status().kubeconfig, "..", "migrator.kubeconfig");
  writeFileSync(
    path,
    renderKubeconfig({
      url: lab.controlPlane.url,
      caData: lab.controlPlane.caData,
      user: migrator.name,
      token,
    }),
    { mode: 0o600 },
  );
  return path;
}
