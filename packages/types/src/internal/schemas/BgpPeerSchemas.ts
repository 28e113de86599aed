import * as z from "zod";
import { resourceSchema } from "../validation/ResourceSchema.js";
import {
  asNumberField,
  int32,
  modeObject,
  type ObjectMode,
  secretPassword,
} from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

export function bgpPeerSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    node: z.string().max(253).optional(),
    nodeSelector: z.string().max(1024).optional(),
    peerIP: z.string().max(64).optional(),
    asNumber: asNumberField(mode).optional(),
    localASNumber: asNumberField(mode).optional(),
    peerSelector: z.string().max(1024).optional(),
    keepOriginalNextHop: z.boolean().optional(),
    nextHopMode: z.enum(["Auto", "Self", "Keep"]).optional(),
    password: secretPassword(mode).optional(),
    sourceAddress: z.enum(["UseNodeIP", "None"]).optional(),
    maxRestartTime: z.string().optional(),
    keepaliveTime: z.string().optional(),
    numAllowedLocalASNumbers: int32.optional(),
    ttlSecurity: z.int().optional(),
    reachableBy: z.string().max(64).optional(),
    filters: z.array(z.string()).optional(),
    localWorkloadSelector: z.string().max(1024).optional(),
    reversePeering: z.enum(["Auto", "Manual"]).optional(),
  });
}

/** BGPPeer as a user writes it (the public BgpPeerInputSchema). */
export const bgpPeerInputSchema = builtOnce(() =>
  resourceSchema("strict", "BGPPeer", bgpPeerSpec("strict")),
);
