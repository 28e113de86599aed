import { KubeHttp, statusMessage } from "@calicokit/testkit";
import { describe, expect, inject, it } from "vitest";
import { deployManifests } from "./support.js";

const cp = inject("controlPlanes").v3;

function pathOf(object: Record<string, unknown>, dryRun: boolean): string {
  const apiVersion = object.apiVersion as string;
  const kind = object.kind as string;
  const { name, namespace } = object.metadata as { name: string; namespace?: string };
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const scope = namespace === undefined ? "" : `/namespaces/${namespace}`;
  const query = `fieldManager=calicokit-test${dryRun ? "&dryRun=All" : ""}`;
  return `${base}${scope}/${kind.toLowerCase()}s/${name}?${query}`;
}

describe("deploy/server", () => {
  it("every manifest is accepted by the real apiserver (server-side apply, dry run)", async () => {
    const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
    try {
      const manifests = deployManifests();
      expect(manifests.map((m) => m.object.kind)).toEqual(
        expect.arrayContaining([
          "Namespace",
          "ServiceAccount",
          "ClusterRole",
          "ClusterRoleBinding",
          "Role",
          "RoleBinding",
          "Deployment",
          "Service",
        ]),
      );
      for (const { file, object } of manifests) {
        // namespaced objects are only admitted into a namespace that exists: create that one
        const dryRun = object.kind !== "Namespace";
        const res = await admin.request({
          method: "PATCH",
          path: pathOf(object, dryRun),
          body: object,
          contentType: "application/apply-patch+yaml",
        });
        expect(res.status, `${file} ${object.kind}: ${statusMessage(res.text)}`).toBeLessThan(300);
      }
    } finally {
      admin.close();
    }
  });

  it("runs the server as non-root with a read-only root filesystem, two replicas and probes", () => {
    const deployment = deployManifests().find((m) => m.object.kind === "Deployment")?.object as {
      spec: {
        replicas: number;
        template: {
          spec: {
            securityContext: { runAsNonRoot: boolean };
            containers: {
              args: string[];
              readinessProbe: { httpGet: { path: string } };
              livenessProbe: { httpGet: { path: string } };
              securityContext: {
                readOnlyRootFilesystem: boolean;
                allowPrivilegeEscalation: boolean;
              };
            }[];
          };
        };
      };
    };
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container?.readinessProbe.httpGet.path).toBe("/readyz");
    expect(container?.livenessProbe.httpGet.path).toBe("/healthz");
    expect(container?.args).toEqual(expect.arrayContaining(["--namespace", "calicokit"]));
  });

  it("binds the migration rules of deploy/rbac/migration.yaml (all but its journal Role) to the service's ServiceAccount", () => {
    const manifests = deployManifests();
    const meta = (o: Record<string, unknown>) => o.metadata as { name: string; namespace?: string };
    const needed = manifests
      .filter((m) => m.file === "rbac/migration.yaml")
      // the journal Role is for kube-system: the service journals in its own namespace (role.yaml)
      .filter(
        ({ object }) => !(object.kind === "Role" && meta(object).name === "calicokit-migration"),
      )
      .map(({ object }) => `${object.kind} ${meta(object).namespace ?? "-"}/${meta(object).name}`);
    const bound = manifests
      .filter(
        ({ file, object }) => file.startsWith("server/") && /Binding$/.test(String(object.kind)),
      )
      .filter(({ object }) =>
        (object.subjects as { kind: string; name: string; namespace: string }[]).some(
          (s) =>
            s.kind === "ServiceAccount" &&
            s.name === "calicokit-server" &&
            s.namespace === "calicokit",
        ),
      )
      .map(({ object }) => {
        const ref = object.roleRef as { kind: string; name: string };
        const scope = object.kind === "RoleBinding" ? meta(object).namespace : "-";
        return `${ref.kind} ${scope}/${ref.name}`;
      });
    expect(needed).toEqual([
      "ClusterRole -/calicokit-migration",
      "Role kube-system/calicokit-migration-secrets",
    ]);
    expect(bound).toEqual(expect.arrayContaining(needed));
  });
});
