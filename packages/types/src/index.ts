export {
  type ASNumberNotation,
  type ASNumberParse,
  formatASNumber,
  parseASNumber,
} from "./ASNumber.js";
export {
  type BgpConfiguration,
  type BgpConfigurationInput,
  BgpConfigurationInputSchema,
  BgpConfigurationSchema,
  type BgpConfigurationSpec,
  BgpConfigurationSpecSchema,
} from "./BgpConfiguration.js";
export {
  type BgpFilter,
  type BgpFilterInput,
  BgpFilterInputSchema,
  BgpFilterSchema,
  type BgpFilterSpec,
  BgpFilterSpecSchema,
} from "./BgpFilter.js";
export {
  type BgpPeer,
  type BgpPeerInput,
  BgpPeerInputSchema,
  BgpPeerSchema,
  type BgpPeerSpec,
  BgpPeerSpecSchema,
} from "./BgpPeer.js";
export {
  type BlockAffinity,
  BlockAffinityInputSchema,
  BlockAffinitySchema,
  type BlockAffinitySpec,
  BlockAffinitySpecSchema,
  type BlockAffinityV1,
  BlockAffinityV1InputSchema,
  BlockAffinityV1Schema,
} from "./BlockAffinity.js";
export {
  type CalicoApiVersion,
  type CalicoKind,
  type CalicoKindInfo,
  calicoKinds,
  calicoV1ApiVersion,
  calicoV1Group,
  calicoV3ApiVersion,
  calicoV3Group,
  isCalicoKind,
} from "./CalicoKind.js";
export {
  type CalicoNode,
  type CalicoNodeAnnotationPatch,
  CalicoNodeConversionError,
  CalicoNodeInputSchema,
  type CalicoNodeRead,
  type CalicoNodeReadOptions,
  CalicoNodeSchema,
  calicoNodeAnnotations,
  calicoNodeFromKubernetes,
  isRouteReflectorClusterId,
  type KubernetesNodeFields,
  kubernetesNodeFieldsFromCalico,
} from "./CalicoNode.js";
export {
  type CalicoNodeStatus,
  CalicoNodeStatusInputSchema,
  CalicoNodeStatusSchema,
  type CalicoNodeStatusSpec,
  CalicoNodeStatusSpecSchema,
  type CalicoNodeStatusStatus,
  CalicoNodeStatusStatusSchema,
} from "./CalicoNodeStatus.js";
export {
  type ClusterInformation,
  ClusterInformationInputSchema,
  ClusterInformationSchema,
  type ClusterInformationSpec,
  ClusterInformationSpecSchema,
} from "./ClusterInformation.js";
export { applyDefaults, applyReadDefaults } from "./Defaults.js";
export { parseGoDuration } from "./GoDuration.js";
export { type IpAddress, parseCidrOrIp, parseIp } from "./IpAddress.js";
export {
  type IpPool,
  type IpPoolInput,
  IpPoolInputSchema,
  IpPoolSchema,
  type IpPoolSpec,
  IpPoolSpecSchema,
  type IpPoolStatus,
  IpPoolStatusSchema,
} from "./IpPool.js";
export {
  type CalicoJsonSchema,
  type CalicoJsonSchemaKind,
  type CalicoJsonSchemaTarget,
  calicoJsonSchemas,
} from "./JsonSchema.js";
export { type KubernetesNode, KubernetesNodeSchema } from "./KubernetesNode.js";
export { type ObjectMeta, ObjectMetaInputSchema, ObjectMetaSchema } from "./ObjectMeta.js";
export { type PeerAddress, parsePeerAddress } from "./PeerAddress.js";
export { parseSelector, type Selector } from "./Selector.js";
export { SelectorSyntaxError } from "./SelectorSyntaxError.js";
export { toStoredForm } from "./StoredForm.js";
export {
  convertCalicoUid,
  fromV1,
  type KubernetesObject,
  type KubernetesObjectMeta,
  type OwnerReference,
  toV1,
  V1ConversionError,
} from "./V1Conversion.js";
export {
  type CalicoResource,
  type IssueSource,
  type ValidateOptions,
  type ValidationIssue,
  type ValidationResult,
  validateResource,
} from "./Validation.js";
