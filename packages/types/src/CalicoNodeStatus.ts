import type * as z from "zod";
import {
  calicoNodeStatusInputSchema,
  calicoNodeStatusSpec,
  calicoNodeStatusStatusSchema,
} from "./internal/schemas/CalicoNodeStatusSchemas.js";
import { resourceWithStatusSchema } from "./internal/validation/ResourceSchema.js";

/**
 * CalicoNodeStatus status, written by calico-node's status reporter (JSON names as in the CRD).
 *
 * @example
 * ```ts
 * const url = "https://kubernetes.default.svc/apis/projectcalico.org/v3/caliconodestatuses/node-1";
 * const obj = (await (await fetch(url)).json()) as { status?: unknown };
 * const { bgp } = CalicoNodeStatusStatusSchema.parse(obj.status);
 * const allUp = bgp !== undefined && bgp.numberNotEstablishedV4 + bgp.numberNotEstablishedV6 === 0;
 * ```
 */
export const CalicoNodeStatusStatusSchema = calicoNodeStatusStatusSchema();

/**
 * CalicoNodeStatus spec as read from the cluster.
 *
 * @example
 * ```ts
 * CalicoNodeStatusSpecSchema.parse({ node: "n1", classes: ["BGP"], updatePeriodSeconds: 10 });
 * ```
 */
export const CalicoNodeStatusSpecSchema = calicoNodeStatusSpec("loose");

/**
 * CalicoNodeStatus as read from the cluster (status filled in by calico-node).
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/caliconodestatuses/node-1");
 * const status = CalicoNodeStatusSchema.parse(await response.json());
 * status.status?.bgp?.peersV4;
 * ```
 */
export const CalicoNodeStatusSchema = resourceWithStatusSchema(
  "loose",
  "CalicoNodeStatus",
  CalicoNodeStatusSpecSchema,
  CalicoNodeStatusStatusSchema,
);

/**
 * CalicoNodeStatus as a user writes it (unknown spec fields rejected).
 *
 * @example
 * ```ts
 * CalicoNodeStatusInputSchema.parse({
 *   apiVersion: "projectcalico.org/v3", kind: "CalicoNodeStatus", metadata: { name: "n1" },
 *   spec: { node: "n1", classes: ["BGP"], updatePeriodSeconds: 5 },
 * });
 * ```
 */
export const CalicoNodeStatusInputSchema = calicoNodeStatusInputSchema();

/** CalicoNodeStatus spec. */
export type CalicoNodeStatusSpec = z.infer<typeof CalicoNodeStatusSpecSchema>;
/** CalicoNodeStatus status. */
export type CalicoNodeStatusStatus = z.infer<typeof CalicoNodeStatusStatusSchema>;
/** A CalicoNodeStatus resource. */
export type CalicoNodeStatus = z.infer<typeof CalicoNodeStatusSchema>;
