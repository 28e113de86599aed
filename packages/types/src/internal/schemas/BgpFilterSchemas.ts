import * as z from "zod";
import { resourceSchema } from "../validation/ResourceSchema.js";
import { int32, modeObject, type ObjectMode } from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

// The CRD's community pattern: aa:nn with 16-bit parts or aa:nn:mm with 32-bit parts.
const u16 =
  "([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";
const u32 =
  "([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5])";
const communityValue = builtOnce(() =>
  z
    .string()
    .max(32)
    .regex(new RegExp(`^(${u16}:${u16}|${u32}:${u32}:${u32})$`), {
      error:
        "must be aa:nn with parts 0-65535 (standard) or aa:nn:mm with parts 0-4294967295 (large community)",
    }),
);

function bgpFilterRule<M extends ObjectMode>(mode: M, family: 4 | 6) {
  const maxPrefix = family === 4 ? 32 : 128;
  return modeObject(mode, {
    action: z.enum(["Accept", "Reject"]),
    cidr: z
      .string()
      .max(family === 4 ? 18 : 43)
      .optional(),
    matchOperator: z.enum(["Equal", "NotEqual", "In", "NotIn"]).optional(),
    prefixLength: modeObject(mode, {
      min: int32.min(0).max(maxPrefix).optional(),
      max: int32.min(0).max(maxPrefix).optional(),
    }).optional(),
    source: z.enum(["RemotePeers"]).optional(),
    interface: z.string().max(15).optional(),
    peerType: z.enum(["eBGP", "iBGP"]).optional(),
    priority: z.int().min(1).max(2147483646).optional(),
    asPathPrefix: z.array(int32).optional(),
    communities: modeObject(mode, { values: z.array(communityValue()).min(1).max(1) }).optional(),
    operations: z
      .array(
        modeObject(mode, {
          addCommunity: modeObject(mode, { value: communityValue() }).optional(),
          prependASPath: modeObject(mode, { prefix: z.array(int32).min(1).max(10) }).optional(),
          setPriority: modeObject(mode, { value: z.int().min(1).max(2147483646) }).optional(),
        }),
      )
      .min(1)
      .max(10)
      .optional(),
  });
}

export function bgpFilterSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    exportV4: z.array(bgpFilterRule(mode, 4)).optional(),
    importV4: z.array(bgpFilterRule(mode, 4)).optional(),
    exportV6: z.array(bgpFilterRule(mode, 6)).optional(),
    importV6: z.array(bgpFilterRule(mode, 6)).optional(),
  });
}

/** BGPFilter as a user writes it (the public BgpFilterInputSchema). */
export const bgpFilterInputSchema = builtOnce(() =>
  resourceSchema("strict", "BGPFilter", bgpFilterSpec("strict")),
);
