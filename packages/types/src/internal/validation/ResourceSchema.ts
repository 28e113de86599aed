import * as z from "zod";
import type { ObjectMetaInputSchema, ObjectMetaSchema } from "../../ObjectMeta.js";
import { objectMetaInputSchema, objectMetaSchema } from "../schemas/ObjectMetaSchemas.js";
import { calicoApiVersionSchema, modeObject, type ObjectMode } from "./SchemaParts.js";

type MetaFor<M extends ObjectMode> = M extends "loose"
  ? typeof ObjectMetaSchema
  : typeof ObjectMetaInputSchema;

// The fields every Calico resource has: apiVersion, kind, metadata (read or input form) and spec.
function resourceShape<M extends ObjectMode, K extends string, S extends z.ZodType>(
  mode: M,
  kind: K,
  spec: S,
) {
  const metadata = (mode === "loose" ? objectMetaSchema() : objectMetaInputSchema()) as MetaFor<M>;
  return { apiVersion: calicoApiVersionSchema, kind: z.literal(kind), metadata, spec } as const;
}

/** `{ apiVersion, kind, metadata, spec }` for a kind, in the given mode. */
export function resourceSchema<M extends ObjectMode, K extends string, S extends z.ZodType>(
  mode: M,
  kind: K,
  spec: S,
) {
  return modeObject(mode, resourceShape(mode, kind, spec));
}

/** Like resourceSchema, with an optional `status` (kinds with a status subresource). */
export function resourceWithStatusSchema<
  M extends ObjectMode,
  K extends string,
  S extends z.ZodType,
  T extends z.ZodType,
>(mode: M, kind: K, spec: S, status: T) {
  return modeObject(mode, { ...resourceShape(mode, kind, spec), status: status.optional() });
}
