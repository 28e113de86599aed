import * as z from "zod";
import { resourceSchema } from "../validation/ResourceSchema.js";
import { modeObject, type ObjectMode } from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

// BlockAffinity is written by Calico IPAM. The two CRD sets differ: v3 has a boolean `deleted`
// and an enum `state`; v1 keeps every field a string for compatibility with old releases.
export function blockAffinitySpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    cidr: z.string(),
    node: z.string(),
    state: z.enum(["", "confirmed", "pending", "pendingDeletion"]),
    deleted: z.boolean().optional(),
    type: z.string().optional(),
  });
}
export function blockAffinityV1Spec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    cidr: z.string(),
    node: z.string(),
    state: z.string(),
    deleted: z.string(),
    type: z.string().optional(),
  });
}

/** BlockAffinity (v3) as a user writes it (the public BlockAffinityInputSchema). */
export const blockAffinityInputSchema = builtOnce(() =>
  resourceSchema("strict", "BlockAffinity", blockAffinitySpec("strict")),
);

/** BlockAffinity (crd.projectcalico.org/v1) as written (the public BlockAffinityV1InputSchema). */
export const blockAffinityV1InputSchema = builtOnce(() =>
  resourceSchema("strict", "BlockAffinity", blockAffinityV1Spec("strict")),
);
