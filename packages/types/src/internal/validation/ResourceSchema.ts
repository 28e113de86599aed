import { z } from "zod";
import { ObjectMetaInputSchema, ObjectMetaSchema } from "../../ObjectMeta.js";
import { calicoApiVersionSchema, modeObject, type ObjectMode } from "./SchemaParts.js";

type MetaFor<M extends ObjectMode> = M extends "loose"
  ? typeof ObjectMetaSchema
  : typeof ObjectMetaInputSchema;

/** `{ apiVersion, kind, metadata, spec }` for a kind, in the given mode. */
export function resourceSchema<M extends ObjectMode, K extends string, S extends z.ZodType>(
  mode: M,
  kind: K,
  spec: S,
) {
  const metadata = (mode === "loose" ? ObjectMetaSchema : ObjectMetaInputSchema) as MetaFor<M>;
  return modeObject(mode, {
    apiVersion: calicoApiVersionSchema,
    kind: z.literal(kind),
    metadata,
    spec,
  });
}

/** Like resourceSchema, with an optional `status` (kinds with a status subresource). */
export function resourceWithStatusSchema<
  M extends ObjectMode,
  K extends string,
  S extends z.ZodType,
  T extends z.ZodType,
>(mode: M, kind: K, spec: S, status: T) {
  const metadata = (mode === "loose" ? ObjectMetaSchema : ObjectMetaInputSchema) as MetaFor<M>;
  return modeObject(mode, {
    apiVersion: calicoApiVersionSchema,
    kind: z.literal(kind),
    metadata,
    spec,
    status: status.optional(),
  });
}
