import * as z from "zod";
import { BgpConfigurationInputSchema } from "./BgpConfiguration.js";
import { BgpFilterInputSchema } from "./BgpFilter.js";
import { BgpPeerInputSchema } from "./BgpPeer.js";
import { BlockAffinityInputSchema } from "./BlockAffinity.js";
import { CalicoNodeStatusInputSchema } from "./CalicoNodeStatus.js";
import { ClusterInformationInputSchema } from "./ClusterInformation.js";
import { IpPoolInputSchema } from "./IpPool.js";

// The schemas users send us, by Calico kind: these are what an HTTP API documents.
const publicInputSchemas = {
  BGPConfiguration: BgpConfigurationInputSchema,
  BGPPeer: BgpPeerInputSchema,
  BGPFilter: BgpFilterInputSchema,
  IPPool: IpPoolInputSchema,
  BlockAffinity: BlockAffinityInputSchema,
  ClusterInformation: ClusterInformationInputSchema,
  CalicoNodeStatus: CalicoNodeStatusInputSchema,
} as const;

/**
 * The JSON Schema dialect to produce: an OpenAPI 3.0 Schema Object (for an OpenAPI document's
 * `components.schemas`) or JSON Schema draft 2020-12 (OpenAPI 3.1, validators such as Ajv).
 *
 * @example
 * ```ts
 * const target: CalicoJsonSchemaTarget = "openapi-3.0";
 * ```
 */
export type CalicoJsonSchemaTarget = "openapi-3.0" | "draft-2020-12";

/**
 * A Calico kind with a public input schema.
 *
 * @example
 * ```ts
 * const kind: CalicoJsonSchemaKind = "BGPPeer";
 * ```
 */
export type CalicoJsonSchemaKind = keyof typeof publicInputSchemas;

/**
 * A generated JSON Schema (zod's JSON Schema object type).
 *
 * @example
 * ```ts
 * const peer: CalicoJsonSchema = calicoJsonSchemas("draft-2020-12").BGPPeer;
 * peer.required; // ["apiVersion", "kind", "metadata", "spec"]
 * ```
 */
export type CalicoJsonSchema = z.core.JSONSchema.BaseSchema;

const generated = new Map<CalicoJsonSchemaTarget, Record<CalicoJsonSchemaKind, CalicoJsonSchema>>();

function generate(target: CalicoJsonSchemaTarget): Record<CalicoJsonSchemaKind, CalicoJsonSchema> {
  const entries = Object.entries(publicInputSchemas).map(([kind, schema]) => [
    kind,
    // "input": the shape a user writes (before validateResource normalises it). Checks that
    // JSON Schema cannot express (selectors, peerIP forms, cross-field rules) stay in
    // validateResource; the schema documents field names, types and required fields.
    z.toJSONSchema(schema, { target, io: "input", unrepresentable: "throw" }),
  ]);
  return Object.fromEntries(entries) as Record<CalicoJsonSchemaKind, CalicoJsonSchema>;
}

/**
 * JSON Schemas of the public input schemas (`BgpPeerInputSchema`, `IpPoolInputSchema`, ...), one
 * self-contained schema per Calico kind, for an HTTP service's OpenAPI document or any JSON
 * Schema validator. They describe the input shape: unknown fields rejected, field names exactly
 * as in the CRDs; Calico's semantic checks are `validateResource`'s job. Each call returns a
 * fresh copy, so callers may annotate the result.
 *
 * @example
 * ```ts
 * const openapi = {
 *   openapi: "3.0.3",
 *   info: { title: "calicokit", version: "1" },
 *   paths: {},
 *   components: { schemas: calicoJsonSchemas("openapi-3.0") },
 * };
 * ```
 */
export function calicoJsonSchemas(
  target: CalicoJsonSchemaTarget,
): Record<CalicoJsonSchemaKind, CalicoJsonSchema> {
  let schemas = generated.get(target);
  if (schemas === undefined) {
    schemas = generate(target);
    generated.set(target, schemas);
  }
  return structuredClone(schemas);
}
