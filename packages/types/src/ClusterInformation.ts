import { z } from "zod";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";
import { modeObject, type ObjectMode } from "./internal/validation/SchemaParts.js";

function clusterInformationSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    clusterGUID: z.string().optional(),
    clusterType: z.string().optional(),
    calicoVersion: z.string().optional(),
    datastoreReady: z.boolean().optional(),
    variant: z.string().optional(),
  });
}

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
export const ClusterInformationInputSchema = resourceSchema(
  "strict",
  "ClusterInformation",
  clusterInformationSpec("strict"),
);

/** ClusterInformation spec. */
export type ClusterInformationSpec = z.infer<typeof ClusterInformationSpecSchema>;
/** A ClusterInformation resource. */
export type ClusterInformation = z.infer<typeof ClusterInformationSchema>;
