import type {} from "./vitest/ProvidedContext.js";

export { calicoGroup, installCalicoCrds, loadCalicoCrds } from "./CalicoCrds.js";
export {
  type CalicoApi,
  type ControlPlane,
  type ControlPlaneInfo,
  type ControlPlaneOptions,
  type ControlPlaneUser,
  type RestartApiserverOptions,
  restrictedUser,
  startControlPlane,
} from "./ControlPlane.js";
export {
  type FaultAction,
  type FaultProxy,
  type FaultRule,
  type InjectedFault,
  type ProxiedRequest,
  startFaultProxy,
} from "./FaultProxy.js";
export {
  createNamespace,
  grant,
  type PolicyRule,
  type Subject,
  serviceAccountToken,
} from "./Identities.js";
export { type KubeconfigInput, renderKubeconfig } from "./Kubeconfig.js";
export {
  type KubeEndpoint,
  KubeHttp,
  type KubeRequest,
  type KubeResponse,
  statusMessage,
} from "./KubeHttp.js";
export { processState } from "./ProcessState.js";
export { type AnyTestkitError, TestkitError, type TestkitErrorTag } from "./TestkitError.js";
export {
  binaryPath,
  type CalicoCrdSet,
  type ControlPlaneBinary,
  calicoCrdsDir,
} from "./ToolPaths.js";
export { uniqueName } from "./UniqueName.js";
