import * as z from "zod";
import { resourceWithStatusSchema } from "../validation/ResourceSchema.js";
import {
  conditionSchema,
  modeObject,
  type ObjectMode,
  setList,
} from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

export function ipPoolSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    cidr: z.string().max(48),
    vxlanMode: z.enum(["Never", "Always", "CrossSubnet"]).optional(),
    ipipMode: z.enum(["Never", "Always", "CrossSubnet"]).optional(),
    natOutgoing: z.boolean().optional(),
    disabled: z.boolean().optional(),
    disableBGPExport: z.boolean().optional(),
    blockSize: z.int().min(0).max(128).optional(),
    nodeSelector: z.string().max(1024).optional(),
    namespaceSelector: z.string().max(1024).optional(),
    allowedUses: setList(z.enum(["Workload", "Tunnel", "LoadBalancer"]))
      .max(10)
      .optional(),
    assignmentMode: z.enum(["Automatic", "Manual"]).optional(),
  });
}

/** IPPool status (the public IpPoolStatusSchema), shared by the read and input forms. */
export const ipPoolStatusSchema = builtOnce(() =>
  z.looseObject({ conditions: z.array(conditionSchema).optional() }),
);

/** IPPool as a user writes it (the public IpPoolInputSchema). */
export const ipPoolInputSchema = builtOnce(() =>
  resourceWithStatusSchema("strict", "IPPool", ipPoolSpec("strict"), ipPoolStatusSchema()),
);
