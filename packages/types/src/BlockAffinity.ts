import type * as z from "zod";
import {
  blockAffinityInputSchema,
  blockAffinitySpec,
  blockAffinityV1InputSchema,
  blockAffinityV1Spec,
} from "./internal/schemas/BlockAffinitySchemas.js";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";

/**
 * BlockAffinity spec (`projectcalico.org/v3` form) as read from the cluster.
 *
 * @example
 * ```ts
 * BlockAffinitySpecSchema.parse({ cidr: "10.244.1.0/26", node: "n1", state: "confirmed", deleted: false });
 * ```
 */
export const BlockAffinitySpecSchema = blockAffinitySpec("loose");

/**
 * BlockAffinity (`projectcalico.org/v3`) as read from the cluster. Managed by Calico IPAM.
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/blockaffinities/node-1-192-168-0-0-26");
 * const affinity = BlockAffinitySchema.parse(await response.json());
 * affinity.spec.node;
 * ```
 */
export const BlockAffinitySchema = resourceSchema(
  "loose",
  "BlockAffinity",
  BlockAffinitySpecSchema,
);

/**
 * BlockAffinity (`projectcalico.org/v3`) as a user writes it (unknown fields rejected).
 *
 * @example
 * ```ts
 * const obj: unknown = await (await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/blockaffinities/node-1-192-168-0-0-26")).json();
 * BlockAffinityInputSchema.safeParse(obj).success;
 * ```
 */
export const BlockAffinityInputSchema = blockAffinityInputSchema();

/**
 * BlockAffinity in the `crd.projectcalico.org/v1` form, where `deleted` is the string "true"/"false".
 *
 * @example
 * ```ts
 * BlockAffinityV1Schema.parse({
 *   apiVersion: "crd.projectcalico.org/v1", kind: "BlockAffinity", metadata: { name: "n1-10-244-1-0-26" },
 *   spec: { cidr: "10.244.1.0/26", node: "n1", state: "confirmed", deleted: "false" },
 * });
 * ```
 */
export const BlockAffinityV1Schema = resourceSchema(
  "loose",
  "BlockAffinity",
  blockAffinityV1Spec("loose"),
);

/**
 * BlockAffinity in the `crd.projectcalico.org/v1` form as a user writes it.
 *
 * @example
 * ```ts
 * const obj: unknown = await (await fetch("https://kubernetes.default.svc/apis/crd.projectcalico.org/v1/blockaffinities/node-1-192-168-0-0-26")).json();
 * BlockAffinityV1InputSchema.safeParse(obj).success;
 * ```
 */
export const BlockAffinityV1InputSchema = blockAffinityV1InputSchema();

/** BlockAffinity spec (v3 form). */
export type BlockAffinitySpec = z.infer<typeof BlockAffinitySpecSchema>;
/** A BlockAffinity resource (v3 form). */
export type BlockAffinity = z.infer<typeof BlockAffinitySchema>;
/** A BlockAffinity resource in the v1 storage form. */
export type BlockAffinityV1 = z.infer<typeof BlockAffinityV1Schema>;
