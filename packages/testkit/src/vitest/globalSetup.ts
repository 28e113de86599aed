import type { TestProject } from "vitest/node";
import { type ControlPlane, type ControlPlaneInfo, startControlPlane } from "../ControlPlane.js";
import type {} from "./ProvidedContext.js";

/**
 * Vitest global setup: starts one control plane per Calico CRD set (v1 and v3, in parallel) for
 * the whole run and stops them at the end. Tests get them with `inject("controlPlanes")` and
 * isolate themselves by unique names and namespaces.
 *
 * @example
 * ```ts
 * // vitest.config.ts
 * export default { test: { globalSetup: ["@calicokit/testkit/vitest-global-setup"] } }
 * ```
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: ControlPlane[] = [];
  const stopAll = () => Promise.all(started.map((cp) => cp.stop())).then(() => undefined);
  try {
    const [v1, v3] = await Promise.all(
      (["v1", "v3"] as const).map(async (calicoApi) => {
        const cp = await startControlPlane({ calicoApi });
        started.push(cp);
        return cp;
      }),
    );
    project.provide("controlPlanes", {
      v1: info(v1 as ControlPlane),
      v3: info(v3 as ControlPlane),
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

/** The plain data of a control plane (its methods cannot cross to the test workers). */
function info(cp: ControlPlane): ControlPlaneInfo {
  const {
    http: _http,
    restartApiserver: _restartApiserver,
    pauseApiserver: _pauseApiserver,
    stop: _stop,
    ...data
  } = cp;
  return data;
}
