import type * as z from "zod";
import {
  clusterInformationInputSchema,
  clusterInformationSpec,
} from "./internal/schemas/ClusterInformationSchemas.js";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";

/**
 * ClusterInformation spec (written by Calico; `calicoVersion`, `clusterType`, ...).
 *
 * @example
 * ```ts
 * ClusterInformationSpecSchema.parse({ calicoVersion: "v3.31.0" }).calicoVersion; // "v3.31.0"
 * ```
 */
export const ClusterInformationSpecSchema = clusterInformationSpec("loose");

/**
 * ClusterInformation (the resource named `default`) as read from the cluster.
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/clusterinformations/default");
 * const info = ClusterInformationSchema.parse(await response.json());
 * info.spec.calicoVersion;
 * ```
 */
export const ClusterInformationSchema = resourceSchema(
  "loose",
  "ClusterInformation",
  ClusterInformationSpecSchema,
);

/**
 * ClusterInformation as a user writes it (unknown fields rejected).
 *
 * @example
 * ```ts
 * const obj: unknown = await (await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/clusterinformations/default")).json();
 * ClusterInformationInputSchema.safeParse(obj).success;
 * ```
 */
export const ClusterInformationInputSchema = clusterInformationInputSchema();

/** ClusterInformation spec. */
export type ClusterInformationSpec = z.infer<typeof ClusterInformationSpecSchema>;
/** A ClusterInformation resource. */
export type ClusterInformation = z.infer<typeof ClusterInformationSchema>;
