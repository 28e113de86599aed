import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseAllDocuments } from "yaml";
import { type KubeHttp, statusMessage } from "./KubeHttp.js";
import { TestkitError } from "./TestkitError.js";
import { type CalicoCrdSet, calicoCrdsDir } from "./ToolPaths.js";

/** The API group each CRD set defines. */
export const calicoGroup: Record<CalicoCrdSet, string> = {
  v1: "crd.projectcalico.org",
  v3: "projectcalico.org",
};

interface CrdManifest {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly plural: string };
    readonly versions: readonly { readonly name: string; readonly served: boolean }[];
  };
}

/**
 * Calico's CRD manifests of a set, read from disk. Only the Calico group's CRDs: upstream ships
 * an unrelated policy.networking.k8s.io CRD beside them.
 *
 * @example
 * ```ts
 * loadCalicoCrds("v3").map((crd) => crd.metadata.name) // ["bgpconfigurations.projectcalico.org", ...]
 * ```
 */
export function loadCalicoCrds(set: CalicoCrdSet): CrdManifest[] {
  const dir = calicoCrdsDir(set);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), "utf8")).map((d) => d.toJS()))
    .filter((crd): crd is CrdManifest => crd?.kind === "CustomResourceDefinition")
    .filter((crd) => crd.spec.group === calicoGroup[set]);
}

/**
 * Creates every Calico CRD of the set (create, not client-side apply: some are too large for
 * the last-applied annotation) and waits until each is Established and its storage answers a
 * list (right after Established the apiserver still says 429 "storage is (re)initializing").
 */
export async function installCalicoCrds(
  api: KubeHttp,
  set: CalicoCrdSet,
  deadline: number,
): Promise<void> {
  const crds = loadCalicoCrds(set);
  const path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  await Promise.all(
    crds.map(async (crd) => {
      const res = await api.request({ method: "POST", path, body: crd });
      if (res.status !== 201 && res.status !== 409) {
        throw new TestkitError(
          "CrdInstallFailed",
          `installing CRD ${crd.metadata.name} failed (HTTP ${res.status}): ${statusMessage(res.text)}`,
          "the CRD manifests may need a newer kube-apiserver than the one built in tools/",
        );
      }
    }),
  );
  for (const crd of crds) {
    const version = crd.spec.versions.find((v) => v.served)?.name ?? "v1";
    const listPath = `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}?limit=1`;
    for (;;) {
      const res = await api.request({ method: "GET", path: `${path}/${crd.metadata.name}` });
      const conditions: { type: string; status: string }[] =
        res.status === 200
          ? (res.json<{ status?: { conditions?: [] } }>().status?.conditions ?? [])
          : [];
      const established = conditions.some((c) => c.type === "Established" && c.status === "True");
      if (established && (await api.request({ method: "GET", path: listPath })).status === 200) {
        break;
      }
      if (Date.now() > deadline) {
        throw new TestkitError(
          "CrdInstallFailed",
          `CRD ${crd.metadata.name} was not served in time: ${JSON.stringify(conditions)}`,
        );
      }
      await sleep(50);
    }
  }
}
