import * as z from "zod";
import type { BgpConfiguration, BgpConfigurationInputSchema } from "./BgpConfiguration.js";
import type { BgpFilter, BgpFilterInputSchema } from "./BgpFilter.js";
import type { BgpPeer, BgpPeerInputSchema } from "./BgpPeer.js";
import type { BlockAffinity, BlockAffinityInputSchema, BlockAffinityV1 } from "./BlockAffinity.js";
import { calicoV1ApiVersion, calicoV3ApiVersion } from "./CalicoKind.js";
import type { CalicoNode, CalicoNodeInputSchema } from "./CalicoNode.js";
import type { CalicoNodeStatus, CalicoNodeStatusInputSchema } from "./CalicoNodeStatus.js";
import type { ClusterInformation, ClusterInformationInputSchema } from "./ClusterInformation.js";
import type { IpPool, IpPoolInputSchema } from "./IpPool.js";
import { bgpConfigurationInputSchema } from "./internal/schemas/BgpConfigurationSchemas.js";
import { bgpFilterInputSchema } from "./internal/schemas/BgpFilterSchemas.js";
import { bgpPeerInputSchema } from "./internal/schemas/BgpPeerSchemas.js";
import {
  blockAffinityInputSchema,
  blockAffinityV1InputSchema,
} from "./internal/schemas/BlockAffinitySchemas.js";
import { calicoNodeInputSchema } from "./internal/schemas/CalicoNodeSchemas.js";
import { calicoNodeStatusInputSchema } from "./internal/schemas/CalicoNodeStatusSchemas.js";
import { clusterInformationInputSchema } from "./internal/schemas/ClusterInformationSchemas.js";
import { ipPoolInputSchema } from "./internal/schemas/IpPoolSchemas.js";
import { checkBgpConfiguration } from "./internal/validation/BgpConfigurationRules.js";
import { checkBgpFilter } from "./internal/validation/BgpFilterRules.js";
import { checkBgpPeer } from "./internal/validation/BgpPeerRules.js";
import { checkCalicoNode } from "./internal/validation/CalicoNodeRules.js";
import { checkCalicoNodeStatus } from "./internal/validation/CalicoNodeStatusRules.js";
import type { AsNumberRange } from "./internal/validation/FieldChecks.js";
import { checkIpPool } from "./internal/validation/IpPoolRules.js";
import { Findings, type ValidationIssue } from "./internal/validation/Issue.js";
import {
  checkBlockAffinity,
  checkClusterInformation,
} from "./internal/validation/ManagedResourceRules.js";
import { checkMetadata } from "./internal/validation/MetadataRules.js";
import type { RuleOptions } from "./internal/validation/RuleOptions.js";
import { schemaIssues } from "./internal/validation/SchemaIssues.js";

export type { IssueSource, ValidationIssue } from "./internal/validation/Issue.js";

/** Any Calico resource calicokit models, as validateResource returns it. */
export type CalicoResource =
  | BgpConfiguration
  | BgpPeer
  | BgpFilter
  | IpPool
  | BlockAffinity
  | BlockAffinityV1
  | ClusterInformation
  | CalicoNodeStatus
  | CalicoNode;

/**
 * Outcome of validateResource: the resource to send (AS numbers as plain integers) with
 * warnings, or every problem found.
 */
export type ValidationResult =
  | { readonly ok: true; readonly value: CalicoResource; readonly warnings: ValidationIssue[] }
  | { readonly ok: false; readonly issues: ValidationIssue[] };

/** Options of validateResource. */
export interface ValidateOptions {
  /**
   * AS numbers above 2147483647: `"int32"` (default) rejects them, as the API server does with
   * the CRDs of current Calico releases; `"uint32"` accepts them with a warning, for clusters
   * whose CRDs allow the full 32-bit range.
   */
  readonly asNumberRange?: AsNumberRange;
  /** The stored object when validating an update: enables the CRDs' immutability rules. */
  readonly previous?: unknown;
}

/** A kind's schema as validateResource parses with it. */
interface Parser<T extends z.ZodType = z.ZodType> {
  readonly schema: T;
  /** Parse without zod's generated code (the kind's first document). */
  readonly jitless: boolean;
}

interface KindValidator {
  readonly schema: () => Parser;
  readonly schemaV1?: () => Parser;
  /** A kind without a crd.projectcalico.org/v1 form. */
  readonly v3Only?: true;
  readonly rules: (findings: Findings, value: never, options: RuleOptions, v3: boolean) => void;
}

// Each kind's schema is built on its first use, and zod's generated parser (z.compile) from its
// second: generating code costs more than one plain parse, so the first document of a kind is
// parsed without any (`jitless`, which also skips zod's per-object fast path) and a process that
// validates a single document (the CLI's `validate -f`) generates none; a long-lived one has the
// compiled parser from the second document on.
const parserOf = <T extends z.ZodType>(schema: () => T): (() => Parser<T>) => {
  let compiled: T | undefined;
  let used = false;
  return () => {
    if (compiled !== undefined) return { schema: compiled, jitless: false };
    if (!used) {
      used = true;
      return { schema: schema(), jitless: true };
    }
    compiled = z.compile(schema());
    return { schema: compiled, jitless: false };
  };
};

const validators: Readonly<Record<string, KindValidator>> = {
  BGPPeer: {
    schema: parserOf(bgpPeerInputSchema),
    rules: (findings, value: z.output<typeof BgpPeerInputSchema>, options) =>
      checkBgpPeer(findings, value.spec, options),
  },
  BGPConfiguration: {
    schema: parserOf(bgpConfigurationInputSchema),
    rules: (findings, value: z.output<typeof BgpConfigurationInputSchema>, options) =>
      checkBgpConfiguration(findings, value.metadata.name ?? "", value.spec, options),
  },
  BGPFilter: {
    schema: parserOf(bgpFilterInputSchema),
    rules: (findings, value: z.output<typeof BgpFilterInputSchema>) =>
      checkBgpFilter(findings, value.spec),
  },
  IPPool: {
    schema: parserOf(ipPoolInputSchema),
    rules: (findings, value: z.output<typeof IpPoolInputSchema>, options) =>
      checkIpPool(findings, value.spec, options),
  },
  BlockAffinity: {
    schema: parserOf(blockAffinityInputSchema),
    schemaV1: parserOf(blockAffinityV1InputSchema),
    rules: (findings, value: z.output<typeof BlockAffinityInputSchema>, _options, v3) =>
      checkBlockAffinity(findings, value.spec.cidr, v3),
  },
  ClusterInformation: {
    schema: parserOf(clusterInformationInputSchema),
    rules: (findings, value: z.output<typeof ClusterInformationInputSchema>) =>
      checkClusterInformation(findings, value.metadata.name ?? ""),
  },
  // Calico's Node (libcalico-go internalapi): stored on the core Node, so v3 only.
  Node: {
    schema: parserOf(calicoNodeInputSchema),
    v3Only: true,
    rules: (findings, value: z.output<typeof CalicoNodeInputSchema>) =>
      checkCalicoNode(findings, value),
  },
  CalicoNodeStatus: {
    schema: parserOf(calicoNodeStatusInputSchema),
    rules: (findings, value: z.output<typeof CalicoNodeStatusInputSchema>) =>
      checkCalicoNodeStatus(findings, value),
  },
};

const defaultOptions: RuleOptions = { asNumberRange: "int32", previous: undefined };

function fail(path: string, rule: string, message: string): ValidationResult {
  return { ok: false, issues: [{ path, message, rule, source: "calicokit" }] };
}

/**
 * Validates a Calico resource exactly as Calico would: the CRD schema and every CEL rule of the
 * CRD (what the API server enforces), plus the checks only libcalico-go makes (names, peerIP
 * forms, selector syntax, durations, default-only BGPConfiguration fields, reachableBy family,
 * community widths, CalicoNodeStatus rules, AS numbers, ...). Also Calico's `Node` as
 * `calicoctl get node -o yaml` prints it, with libcalico-go's Node rules (`projectcalico.org/v3`
 * only). Dispatches on `apiVersion` and `kind`; accepts `projectcalico.org/v3` and
 * `crd.projectcalico.org/v1`. Unknown fields are
 * rejected (the API server would drop them silently). AS numbers may be given as decimal or
 * asdot strings; `value` holds them as plain integers, ready to send.
 *
 * Each issue has the field's `path` (e.g. `spec.peerIP`), a `message` naming the rule and the
 * fix, a stable `rule` id and its `source` (`crd-schema`, `crd-cel`, `kubernetes`,
 * `libcalico-go`, `calicokit`).
 *
 * @example
 * ```ts
 * const result = validateResource({
 *   apiVersion: "projectcalico.org/v3",
 *   kind: "BGPPeer",
 *   metadata: { name: "peer-to-rrs" },
 *   spec: { nodeSelector: "!has(rr)", peerSelector: "has(rr)", peerIP: "10.0.0.1:0" },
 * });
 * if (!result.ok) {
 *   for (const issue of result.issues) console.error(issue.message);
 *   // spec.peerSelector: peerIP and peerSelector cannot both be set; ...
 *   // spec.peerIP "10.0.0.1:0" is not a valid peer address: the port must be at least 1; ...
 * }
 * ```
 */
export function validateResource(obj: unknown, options?: ValidateOptions): ValidationResult {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    return fail(
      "(object)",
      "calicokit.object",
      "a Calico resource must be a JSON object with apiVersion, kind, metadata and spec",
    );
  }
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  const v3 = apiVersion === calicoV3ApiVersion;
  if (!v3 && apiVersion !== calicoV1ApiVersion) {
    return fail(
      "apiVersion",
      "calicokit.apiVersion",
      `apiVersion ${JSON.stringify(apiVersion)} is not a Calico API version; use "projectcalico.org/v3" (or "crd.projectcalico.org/v1" for Calico's internal CRDs)`,
    );
  }
  const validator = typeof kind === "string" ? validators[kind] : undefined;
  if (validator === undefined || !Object.hasOwn(validators, kind as string)) {
    return fail(
      "kind",
      "calicokit.kind",
      `kind ${JSON.stringify(kind)} is not a Calico kind calicokit validates; use one of ${Object.keys(validators).join(", ")}`,
    );
  }
  if (!v3 && validator.v3Only) {
    return fail(
      "apiVersion",
      "calicokit.apiVersion",
      `kind ${kind as string} exists only as projectcalico.org/v3 (Calico keeps it on the Kubernetes Node); use apiVersion "projectcalico.org/v3"`,
    );
  }
  const { schema, jitless } =
    !v3 && validator.schemaV1 !== undefined ? validator.schemaV1() : validator.schema();
  const parsed = schema.safeParse(obj, { reportInput: true, jitless });
  if (!parsed.success) return { ok: false, issues: schemaIssues(schema, parsed.error.issues) };

  const value = parsed.data as { metadata: Parameters<typeof checkMetadata>[1] };
  const findings = new Findings();
  checkMetadata(findings, value.metadata);
  const ruleOptions: RuleOptions =
    options === undefined
      ? defaultOptions
      : { asNumberRange: options.asNumberRange ?? "int32", previous: options.previous };
  validator.rules(findings, value as never, ruleOptions, v3);
  if (findings.issues !== undefined) return { ok: false, issues: findings.issues };
  return { ok: true, value: value as unknown as CalicoResource, warnings: findings.warnings ?? [] };
}
