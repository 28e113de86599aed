import type { z } from "zod";
import type { BgpConfigurationInputSchema } from "../../BgpConfiguration.js";
import { communityProblem, looksLikeCommunity } from "./Community.js";
import {
  checkAsNumber,
  checkCidrFormat,
  checkDuration,
  checkName,
  checkStrictNetwork,
} from "./FieldChecks.js";
import { goIpVersion } from "./IpAddress.js";
import type { Findings } from "./Issue.js";
import type { RuleOptions } from "./RuleOptions.js";

type BgpConfigurationSpec = z.output<typeof BgpConfigurationInputSchema>["spec"];

// Fields libcalico-go's client accepts only on the resource named "default" (clientv3/bgpconfig.go).
const defaultOnlyFields = [
  "nodeToNodeMeshEnabled",
  "asNumber",
  "serviceLoadBalancerIPs",
  "serviceExternalIPs",
  "serviceClusterIPs",
  "nodeMeshPassword",
  "nodeMeshMaxRestartTime",
] as const;

// Fields confd reads only from "default"; on node.<name> they are silently ignored.
const ignoredOnNodeFields = [
  "bindMode",
  "ignoredInterfaces",
  "programClusterRoutes",
  "ipv4NormalRoutePriority",
  "ipv6NormalRoutePriority",
  "localWorkloadPeeringIPV4",
  "localWorkloadPeeringIPV6",
] as const;

const interfacePattern = /^[a-zA-Z0-9_.*-]{1,15}$/;

function isSetValue(value: unknown): boolean {
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/** CEL rules of the BGPConfiguration CRD and libcalico-go's checks; normalises asNumber. */
export function checkBgpConfiguration(
  findings: Findings,
  name: string,
  spec: BgpConfigurationSpec,
  options: RuleOptions,
): void {
  const meshDisabled = spec.nodeToNodeMeshEnabled === false;
  if (spec.nodeMeshPassword !== undefined && meshDisabled) {
    findings.error(
      "spec.nodeMeshPassword",
      "bgpconfig.cel.nodeMeshPassword-mesh",
      "crd-cel",
      "spec.nodeMeshPassword: nodeMeshPassword cannot be set when nodeToNodeMeshEnabled is false; remove spec.nodeMeshPassword in the same update that disables the mesh",
    );
  }
  if (spec.nodeMeshMaxRestartTime !== undefined && meshDisabled) {
    findings.error(
      "spec.nodeMeshMaxRestartTime",
      "bgpconfig.cel.nodeMeshMaxRestartTime-mesh",
      "crd-cel",
      "spec.nodeMeshMaxRestartTime: nodeMeshMaxRestartTime cannot be set when nodeToNodeMeshEnabled is false; remove spec.nodeMeshMaxRestartTime in the same update that disables the mesh",
    );
  }
  const communities = spec.communities ?? [];
  const advertisements = spec.prefixAdvertisements ?? [];
  if (communities.length > 0 && advertisements.length === 0) {
    findings.error(
      "spec.communities",
      "bgpconfig.cel.communities-unused",
      "crd-cel",
      "spec.communities: communities are defined but not used in prefixAdvertisements; add spec.prefixAdvertisements that use them, or remove spec.communities",
    );
  }

  // libcalico-go: fields reserved for the global resource.
  const isDefault = name === "default";
  if (!isDefault) {
    for (const field of defaultOnlyFields) {
      if (isSetValue(spec[field])) {
        findings.error(
          `spec.${field}`,
          "bgpconfig.default-only",
          "libcalico-go",
          `spec.${field} can only be set on the BGPConfiguration named "default" (this one is ${JSON.stringify(name)}); move it to "default"`,
        );
      }
    }
  }
  if (!isDefault && name.startsWith("node.") && name.length > 5) {
    for (const field of ignoredOnNodeFields) {
      if (isSetValue(spec[field])) {
        findings.warn(
          `spec.${field}`,
          "bgpconfig.node.ignored",
          "libcalico-go",
          `spec.${field} is ignored on a per-node BGPConfiguration (confd reads it only from "default"); set it on "default"`,
        );
      }
    }
  } else if (!isDefault && name !== "") {
    findings.warn(
      "metadata.name",
      "bgpconfig.name",
      "libcalico-go",
      `BGPConfiguration ${JSON.stringify(name)} is ignored by Calico (only "default" and "node.<nodename>" are read); rename it`,
    );
  }

  if (spec.asNumber !== undefined) {
    const asNumber = checkAsNumber(findings, "spec.asNumber", spec.asNumber, options.asNumberRange);
    if (asNumber !== undefined) spec.asNumber = asNumber;
  }
  for (const field of [
    "serviceLoadBalancerIPs",
    "serviceExternalIPs",
    "serviceClusterIPs",
  ] as const) {
    const blocks = spec[field] ?? [];
    for (let i = 0; i < blocks.length; i++) {
      const cidr = blocks[i]?.cidr;
      const path = `spec.${field}[${i}].cidr`;
      if (cidr !== undefined && checkCidrFormat(findings, path, cidr)) {
        checkStrictNetwork(findings, path, cidr);
      }
    }
  }

  const communityNames = new Set<string>();
  for (let i = 0; i < communities.length; i++) {
    const community = communities[i] ?? {};
    if (community.name === undefined) {
      findings.error(
        `spec.communities[${i}].name`,
        "bgpconfig.community.name",
        "libcalico-go",
        `spec.communities[${i}].name is required; name the community so prefixAdvertisements can refer to it`,
      );
    } else {
      checkName(
        findings,
        `spec.communities[${i}].name`,
        community.name,
        "bgpconfig.community.name",
      );
      communityNames.add(community.name);
    }
    if (community.value === undefined) {
      findings.error(
        `spec.communities[${i}].value`,
        "bgpconfig.community.value",
        "libcalico-go",
        `spec.communities[${i}].value is required; write aa:nn or aa:nn:mm, e.g. "64512:100"`,
      );
    } else {
      const problem = communityProblem(community.value);
      if (problem !== undefined) {
        findings.error(
          `spec.communities[${i}].value`,
          "bgpconfig.community.value",
          "libcalico-go",
          `spec.communities[${i}].value ${JSON.stringify(community.value)} is not a valid community: ${problem}`,
        );
      }
    }
  }
  for (let i = 0; i < advertisements.length; i++) {
    const advertisement = advertisements[i] ?? {};
    const path = `spec.prefixAdvertisements[${i}]`;
    if (advertisement.cidr === undefined) {
      findings.error(
        `${path}.cidr`,
        "bgpconfig.prefixAdvertisement.cidr",
        "libcalico-go",
        `${path}.cidr is required; write the prefix to tag, e.g. "10.0.0.0/16"`,
      );
    } else if (checkCidrFormat(findings, `${path}.cidr`, advertisement.cidr)) {
      checkStrictNetwork(findings, `${path}.cidr`, advertisement.cidr);
    }
    if (advertisement.communities === undefined) {
      findings.error(
        `${path}.communities`,
        "bgpconfig.prefixAdvertisement.communities",
        "libcalico-go",
        `${path}.communities is required; list community values (aa:nn) or names from spec.communities`,
      );
    } else {
      for (let j = 0; j < advertisement.communities.length; j++) {
        const community = advertisement.communities[j] ?? "";
        const communityPath = `${path}.communities[${j}]`;
        if (looksLikeCommunity(community)) {
          const problem = communityProblem(community);
          if (problem !== undefined) {
            findings.error(
              communityPath,
              "bgpconfig.community.value",
              "libcalico-go",
              `${communityPath} ${JSON.stringify(community)} is not a valid community: ${problem}`,
            );
          }
        } else if (!communityNames.has(community)) {
          findings.error(
            communityPath,
            "bgpconfig.prefixAdvertisement.community-name",
            "libcalico-go",
            `${communityPath} ${JSON.stringify(community)} is neither a community value (aa:nn or aa:nn:mm) nor the name of one in spec.communities; define it there or write the value`,
          );
        }
      }
    }
  }

  const interfaces = spec.ignoredInterfaces ?? [];
  for (let i = 0; i < interfaces.length; i++) {
    const pattern = interfaces[i] ?? "";
    if (pattern === "*" || !interfacePattern.test(pattern)) {
      findings.error(
        `spec.ignoredInterfaces[${i}]`,
        "bgpconfig.ignoredInterfaces.format",
        "libcalico-go",
        `spec.ignoredInterfaces[${i}] ${JSON.stringify(pattern)} is not a valid interface pattern; use 1-15 of letters, digits, '_', '.', '-', '*' (and not "*" alone, which would ignore every interface)`,
      );
    }
  }
  for (const [version, example] of [
    [4, "169.254.0.179"],
    [6, "fe80::179"],
  ] as const) {
    const field = `localWorkloadPeeringIPV${version}` as const;
    const address = spec[field];
    if (address !== undefined && address !== "" && goIpVersion(address) !== version) {
      findings.error(
        `spec.${field}`,
        `bgpconfig.${field}.ipv${version}`,
        "libcalico-go",
        `spec.${field} ${JSON.stringify(address)} is not an IPv${version} address; use one such as "${example}"`,
      );
    }
  }
  if (spec.nodeMeshMaxRestartTime !== undefined) {
    checkDuration(findings, "spec.nodeMeshMaxRestartTime", spec.nodeMeshMaxRestartTime);
  }
  const secretKeyRef = spec.nodeMeshPassword?.secretKeyRef;
  if (secretKeyRef !== undefined && (secretKeyRef.name === undefined || secretKeyRef.name === "")) {
    findings.warn(
      "spec.nodeMeshPassword.secretKeyRef.name",
      "secretKeyRef.name.empty",
      "crd-schema",
      "spec.nodeMeshPassword.secretKeyRef.name is empty, which is almost certainly wrong; name the Secret (in calico-node's namespace) that holds the password",
    );
  }
}
