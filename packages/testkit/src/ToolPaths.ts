import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TestkitError } from "./TestkitError.js";

/** The binaries the Makefile builds from the Go modules under tools/. */
export type ControlPlaneBinary = "etcd" | "kube-apiserver" | "kubectl";

const here = dirname(fileURLToPath(import.meta.url));

/** Walks up from this package to the first folder that holds `relative`. */
function findUpwards(relative: string): string | undefined {
  let dir = here;
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Path of a control-plane binary: `$CALICOKIT_TOOLS_BIN/<name>` (set by the Makefile), else
 * the repository's `.tools/bin/<name>`.
 *
 * @example
 * ```ts
 * const kubectl = binaryPath("kubectl")
 * ```
 */
export function binaryPath(name: ControlPlaneBinary): string {
  const fromEnv = process.env.CALICOKIT_TOOLS_BIN;
  const dir = fromEnv ?? findUpwards(".tools/bin");
  const path = dir === undefined ? undefined : resolve(dir, name);
  if (path === undefined || !existsSync(path)) {
    throw new TestkitError(
      "BinaryNotFound",
      `${name} not found (looked in ${dir ?? "CALICOKIT_TOOLS_BIN and .tools/bin"})`,
      "run `make bootstrap` to build kube-apiserver, etcd and kubectl from tools/ (needs Go >= 1.26 and a Go module proxy)",
    );
  }
  return path;
}

/** The Calico CRD sets: storage group `crd.projectcalico.org/v1` or direct `projectcalico.org/v3`. */
export type CalicoCrdSet = "v1" | "v3";

/**
 * Folder of Calico's CRD manifests for a set: `$CALICOKIT_CRDS_DIR/<set>`, else
 * `../shared/calico/crds/<set>` next to the repository.
 *
 * @example
 * ```ts
 * const dir = calicoCrdsDir("v3") // .../shared/calico/crds/v3
 * ```
 */
export function calicoCrdsDir(set: CalicoCrdSet): string {
  const root = process.env.CALICOKIT_CRDS_DIR ?? findUpwards("../shared/calico/crds");
  const dir = root === undefined ? undefined : resolve(root, set);
  if (dir === undefined || !existsSync(dir)) {
    throw new TestkitError(
      "CrdsNotFound",
      `Calico CRD manifests for ${set} not found`,
      "set CALICOKIT_CRDS_DIR to a folder holding v1/ and v3/ (Calico's CRD manifests), or keep shared/calico/crds next to the repository",
    );
  }
  return dir;
}
