import type * as z from "zod";
import { objectMetaInputSchema, objectMetaSchema } from "./internal/schemas/ObjectMetaSchemas.js";

/**
 * Kubernetes object metadata as read from the API server (unknown fields kept).
 *
 * @example
 * ```ts
 * const meta = ObjectMetaSchema.parse({ name: "peer-a", labels: { rack: "1" } });
 * meta.name; // "peer-a"
 * ```
 */
export const ObjectMetaSchema = objectMetaSchema();

/**
 * Kubernetes object metadata as a user writes it (unknown fields rejected).
 *
 * @example
 * ```ts
 * ObjectMetaInputSchema.safeParse({ name: "peer-a", lables: {} }).success; // false (typo)
 * ```
 */
export const ObjectMetaInputSchema = objectMetaInputSchema();

/** Kubernetes object metadata. */
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;
