import * as z from "zod";
import { resourceWithStatusSchema } from "../validation/ResourceSchema.js";
import { int32, modeObject, type ObjectMode, setList } from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

export function calicoNodeStatusSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    node: z.string().optional(),
    classes: setList(z.enum(["Agent", "BGP", "Routes"])).optional(),
    updatePeriodSeconds: int32.optional(),
  });
}

/** CalicoNodeStatus status (the public CalicoNodeStatusStatusSchema), shared by both forms. */
export const calicoNodeStatusStatusSchema = builtOnce(() => {
  const birdStatus = z.looseObject({
    state: z.enum(["Ready", "NotReady"]).optional(),
    version: z.string().optional(),
    routerID: z.string().optional(),
    lastBootTime: z.string().optional(),
    lastReconfigurationTime: z.string().optional(),
  });

  const bgpPeerStatus = z.looseObject({
    peerIP: z.string().optional(),
    type: z.enum(["NodeMesh", "NodePeer", "GlobalPeer"]).optional(),
    state: z
      .enum(["Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established", "Close"])
      .optional(),
    since: z.string().optional(),
  });

  const routeStatus = z.looseObject({
    type: z.enum(["FIB", "RIB"]).optional(),
    destination: z.string().optional(),
    gateway: z.string().optional(),
    interface: z.string().optional(),
    learnedFrom: z
      .looseObject({
        sourceType: z.enum(["Kernel", "Static", "Direct", "NodeMesh", "BGPPeer"]).optional(),
        peerIP: z.string().optional(),
      })
      .optional(),
  });

  return z.looseObject({
    lastUpdated: z.string().nullable().optional(),
    agent: z
      .looseObject({ birdV4: birdStatus.optional(), birdV6: birdStatus.optional() })
      .optional(),
    bgp: z
      .looseObject({
        numberEstablishedV4: z.int(),
        numberEstablishedV6: z.int(),
        numberNotEstablishedV4: z.int(),
        numberNotEstablishedV6: z.int(),
        peersV4: z.array(bgpPeerStatus).optional(),
        peersV6: z.array(bgpPeerStatus).optional(),
      })
      .optional(),
    routes: z
      .looseObject({
        routesV4: z.array(routeStatus).optional(),
        routesV6: z.array(routeStatus).optional(),
      })
      .optional(),
  });
});

/** CalicoNodeStatus as a user writes it (the public CalicoNodeStatusInputSchema). */
export const calicoNodeStatusInputSchema = builtOnce(() =>
  resourceWithStatusSchema(
    "strict",
    "CalicoNodeStatus",
    calicoNodeStatusSpec("strict"),
    calicoNodeStatusStatusSchema(),
  ),
);
