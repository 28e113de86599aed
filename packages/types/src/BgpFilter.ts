import type * as z from "zod";
import { bgpFilterInputSchema, bgpFilterSpec } from "./internal/schemas/BgpFilterSchemas.js";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";

/**
 * BGPFilter spec as read from the cluster.
 *
 * @example
 * ```ts
 * BgpFilterSpecSchema.parse({ exportV4: [{ action: "Reject", cidr: "10.0.0.0/8", matchOperator: "In" }] });
 * ```
 */
export const BgpFilterSpecSchema = bgpFilterSpec("loose");

/**
 * BGPFilter as read from the cluster.
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/bgpfilters/export-only");
 * const filter = BgpFilterSchema.parse(await response.json());
 * filter.spec.exportV4?.length;
 * ```
 */
export const BgpFilterSchema = resourceSchema("loose", "BGPFilter", BgpFilterSpecSchema);

/**
 * BGPFilter as a user writes it (unknown fields rejected).
 *
 * @example
 * ```ts
 * BgpFilterInputSchema.parse({
 *   apiVersion: "projectcalico.org/v3", kind: "BGPFilter", metadata: { name: "no-private" },
 *   spec: { exportV4: [{ action: "Reject", cidr: "10.0.0.0/8", matchOperator: "In" }] },
 * });
 * ```
 */
export const BgpFilterInputSchema = bgpFilterInputSchema();

/** BGPFilter spec. */
export type BgpFilterSpec = z.infer<typeof BgpFilterSpecSchema>;
/** A BGPFilter resource. */
export type BgpFilter = z.infer<typeof BgpFilterSchema>;
/** A BGPFilter as accepted from users. */
export type BgpFilterInput = z.input<typeof BgpFilterInputSchema>;
