import type * as z from "zod";
import {
  ipPoolInputSchema,
  ipPoolSpec,
  ipPoolStatusSchema,
} from "./internal/schemas/IpPoolSchemas.js";
import { resourceWithStatusSchema } from "./internal/validation/ResourceSchema.js";

/**
 * IPPool status: conditions such as `Allocatable` written by Calico.
 *
 * @example
 * ```ts
 * const status = IpPoolStatusSchema.parse({ conditions: [] });
 * ```
 */
export const IpPoolStatusSchema = ipPoolStatusSchema();

/**
 * IPPool spec as read from the cluster (unknown fields kept, no defaults).
 *
 * @example
 * ```ts
 * IpPoolSpecSchema.parse({ cidr: "10.244.0.0/16" }).blockSize; // undefined (default is applyDefaults' job)
 * ```
 */
export const IpPoolSpecSchema = ipPoolSpec("loose");

/**
 * IPPool as read from the cluster.
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/ippools/default-ipv4-ippool");
 * const pool = IpPoolSchema.parse(await response.json());
 * pool.spec.cidr;
 * ```
 */
export const IpPoolSchema = resourceWithStatusSchema(
  "loose",
  "IPPool",
  IpPoolSpecSchema,
  IpPoolStatusSchema,
);

/**
 * IPPool as a user writes it (unknown fields rejected).
 *
 * @example
 * ```ts
 * IpPoolInputSchema.parse({
 *   apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name: "pool-a" },
 *   spec: { cidr: "10.244.0.0/16", ipipMode: "Never", vxlanMode: "CrossSubnet" },
 * });
 * ```
 */
export const IpPoolInputSchema = ipPoolInputSchema();

/** IPPool spec. */
export type IpPoolSpec = z.infer<typeof IpPoolSpecSchema>;
/** IPPool status. */
export type IpPoolStatus = z.infer<typeof IpPoolStatusSchema>;
/** An IPPool resource. */
export type IpPool = z.infer<typeof IpPoolSchema>;
/** An IPPool as accepted from users. */
export type IpPoolInput = z.input<typeof IpPoolInputSchema>;
