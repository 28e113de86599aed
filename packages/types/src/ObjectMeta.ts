import * as z from "zod";
import { modeObject, type ObjectMode } from "./internal/validation/SchemaParts.js";

function objectMeta<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.int().optional(),
    creationTimestamp: z.string().nullable().optional(),
    deletionTimestamp: z.string().nullable().optional(),
    deletionGracePeriodSeconds: z.int().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    ownerReferences: z.array(z.looseObject({})).optional(),
    finalizers: z.array(z.string()).optional(),
    managedFields: z.array(z.looseObject({})).optional(),
    selfLink: z.string().optional(),
  });
}

/**
 * Kubernetes object metadata as read from the API server (unknown fields kept).
 *
 * @example
 * ```ts
 * const meta = ObjectMetaSchema.parse({ name: "peer-a", labels: { rack: "1" } });
 * meta.name; // "peer-a"
 * ```
 */
export const ObjectMetaSchema = objectMeta("loose");

/**
 * Kubernetes object metadata as a user writes it (unknown fields rejected).
 *
 * @example
 * ```ts
 * ObjectMetaInputSchema.safeParse({ name: "peer-a", lables: {} }).success; // false (typo)
 * ```
 */
export const ObjectMetaInputSchema = objectMeta("strict");

/** Kubernetes object metadata. */
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
