export type {
  BgpSnapshot,
  SnapshotBgpConfiguration,
  SnapshotBgpConfigurationSpec,
  SnapshotBgpPeer,
  SnapshotBlockAffinity,
  SnapshotIpPool,
  SnapshotNode,
  SnapshotSecretKeyRef,
} from "./BgpSnapshot.js";
export {
  type AffineBlock,
  BgpNodeNotFoundError,
  type BgpSession,
  type BgpSessionKind,
  type BirdLogLevel,
  type CommunityAdvertisement,
  computeClusterBgp,
  computeNodeBgp,
  computeNodesBgp,
  type NodeBgp,
  type NodeBgpFamily,
  type PoolRouteProgramming,
  type PoolRouting,
} from "./BgpTopology.js";
export { renderBirdConfig } from "./BirdConfig.js";
export {
  type BirdFamily,
  BirdProcess,
  type BirdProcessOptions,
  type BirdStopMode,
  checkBirdConfig,
  reconfigureBird,
} from "./BirdProcess.js";
export { documentedPeerNames, runDocumentedProcedure } from "./DocumentedProcedure.js";
export type { IpFamily } from "./IpFamily.js";
export {
  birdRouteReplaceMs,
  Lab,
  type LabBgpSession,
  type LabNodeStatus,
  type LabStatus,
} from "./Lab.js";
export { LabAgent, type LabAgentOptions } from "./LabAgent.js";
export { type AnyLabError, LabError, type LabErrorTag } from "./LabError.js";
export { LabNetwork, type NodeLink } from "./LabNetwork.js";
export type { AddNodeOptions, LabOptions } from "./LabOptions.js";
export {
  type NodeStatusPeer,
  type NodeStatusReport,
  NodeStatusReporter,
  type NodeStatusReporterOptions,
} from "./NodeStatusReporter.js";
export type {
  ProcedureEvent,
  ProcedureOptions,
  ProcedureStep,
  RouteReflectorChoice,
} from "./ProcedureOptions.js";
export { type ProbedNode, type RouteGap, RouteProbe } from "./RouteProbe.js";
export {
  type SimulatedBgpReport,
  SimulatedBgpStatus,
  type SimulatedBgpStatusOptions,
} from "./SimulatedBgpStatus.js";
