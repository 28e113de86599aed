import * as z from "zod";
import { resourceSchema } from "../validation/ResourceSchema.js";
import { modeObject, type ObjectMode } from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

export function clusterInformationSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    clusterGUID: z.string().optional(),
    clusterType: z.string().optional(),
    calicoVersion: z.string().optional(),
    datastoreReady: z.boolean().optional(),
    variant: z.string().optional(),
  });
}

/** ClusterInformation as a user writes it (the public ClusterInformationInputSchema). */
export const clusterInformationInputSchema = builtOnce(() =>
  resourceSchema("strict", "ClusterInformation", clusterInformationSpec("strict")),
);
