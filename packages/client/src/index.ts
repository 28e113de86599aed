export { type ApiChoice, type ApiDetection, chooseApi } from "./ApiDetection.js";
export {
  type BgpPeerState,
  type BgpStatusOptions,
  bgpStatus,
  bgpStatusLabels,
  type NodeBgpStatus,
  type SweepBgpStatusOptions,
  sweepBgpStatus,
} from "./BgpStatus.js";
export {
  CalicoClient,
  type CalicoClientOptions,
  type ClusterFacts,
} from "./CalicoClient.js";
export {
  type AnyCalicoClientError,
  abortedBy,
  CalicoClientError,
  type CalicoClientErrorTag,
  fromUnknown,
  networkErrorCode,
  type RequestTarget,
  type StatusCause,
} from "./CalicoClientError.js";
export { calicoCodec, type WarningSink } from "./CalicoCodec.js";
export { resourceKinds } from "./CalicoKinds.js";
export {
  type ApiGroup,
  type CalicoObject,
  calicoV1Api,
  calicoV3Api,
  type ObjectMeta,
  type ResourceKind,
  type WireCodec,
} from "./CalicoObject.js";
export {
  ConfigMapClient,
  type ConfigMapContent,
  type StoredConfigMap,
} from "./ConfigMapClient.js";
export { type KubeConfigSource, loadKubeConfig } from "./KubeConfigSource.js";
export {
  type AcquireOptions,
  type HeldLease,
  LeaseClient,
  type LeaseRef,
} from "./LeaseClient.js";
export {
  type ClearRouteReflectorOptions,
  NodeClient,
  type NodeListOptions,
  type NodeView,
  type RouteReflectorLabel,
  type RouteReflectorOptions,
} from "./NodeClient.js";
export { NodeDrain } from "./NodeDrain.js";
export { PodClient, type PodPlacement } from "./PodClient.js";
export { defaultRateLimit, RateLimiter, type RateLimitOptions } from "./RateLimiter.js";
export {
  type ApplyOptions,
  type CallOptions,
  type DeleteOptions,
  fieldManager,
  type ListOptions,
  type ListPage,
  type PatchOptions,
  ResourceClient,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from "./ResourceClient.js";
export {
  type AttemptContext,
  backoffDelay,
  defaultRetryOptions,
  isTransient,
  mayHaveCommitted,
  type RetryEvent,
  type RetryOptions,
  withRetries,
} from "./RetryPolicy.js";
export { type AccessAnswer, SecretAccess, type ServiceAccountRef } from "./SecretAccess.js";
