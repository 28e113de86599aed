import type { ControlPlaneInfo } from "../ControlPlane.js";
import type { CalicoCrdSet } from "../ToolPaths.js";

// What the global setup hands to tests through vitest's provide/inject. Declared in its own
// module, referenced from the package index, so any test that imports @calicokit/testkit sees it.
declare module "vitest" {
  interface ProvidedContext {
    /** One running control plane per Calico CRD set, shared by the whole test run. */
    controlPlanes: Record<CalicoCrdSet, ControlPlaneInfo>;
  }
}
