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
});
