import type * as z from "zod";
import {
  bgpConfigurationInputSchema,
  bgpConfigurationSpec,
} from "./internal/schemas/BgpConfigurationSchemas.js";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";

/**
 * BGPConfiguration spec as read from the cluster (unknown fields kept, no defaults).
 *
 * @example
 * ```ts
 * BgpConfigurationSpecSchema.parse({ nodeToNodeMeshEnabled: false }).nodeToNodeMeshEnabled; // false
 * ```
 */
export const BgpConfigurationSpecSchema = bgpConfigurationSpec("loose");

/**
 * BGPConfiguration as read from the cluster. The global one is named `default`; per-node ones
 * `node.<nodename>`.
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/bgpconfigurations/default");
 * const config = BgpConfigurationSchema.parse(await response.json());
 * const meshOn = config.spec.nodeToNodeMeshEnabled ?? true;
 * ```
 */
export const BgpConfigurationSchema = resourceSchema(
  "loose",
  "BGPConfiguration",
  BgpConfigurationSpecSchema,
);

/**
 * BGPConfiguration as a user writes it (unknown fields rejected; asNumber may be asdot).
 *
 * @example
 * ```ts
 * BgpConfigurationInputSchema.parse({
 *   apiVersion: "projectcalico.org/v3", kind: "BGPConfiguration", metadata: { name: "default" },
 *   spec: { nodeToNodeMeshEnabled: false, asNumber: "1.10" },
 * });
 * ```
 */
export const BgpConfigurationInputSchema = bgpConfigurationInputSchema();

/** BGPConfiguration spec. */
export type BgpConfigurationSpec = z.infer<typeof BgpConfigurationSpecSchema>;
/** A BGPConfiguration resource. */
export type BgpConfiguration = z.infer<typeof BgpConfigurationSchema>;
/** A BGPConfiguration as accepted from users. */
export type BgpConfigurationInput = z.input<typeof BgpConfigurationInputSchema>;
