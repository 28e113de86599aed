import { z } from "zod";
import { resourceWithStatusSchema } from "./internal/validation/ResourceSchema.js";
import { int32, modeObject, type ObjectMode, setList } from "./internal/validation/SchemaParts.js";

function calicoNodeStatusSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    node: z.string().optional(),
    classes: setList(z.enum(["Agent", "BGP", "Routes"])).optional(),
    updatePeriodSeconds: int32.optional(),
  });
}

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
export const CalicoNodeStatusStatusSchema = z.looseObject({
  lastUpdated: z.string().nullable().optional(),
  agent: z.looseObject({ birdV4: birdStatus.optional(), birdV6: birdStatus.optional() }).optional(),
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
export const CalicoNodeStatusInputSchema = resourceWithStatusSchema(
  "strict",
  "CalicoNodeStatus",
  calicoNodeStatusSpec("strict"),
  CalicoNodeStatusStatusSchema,
);

/** CalicoNodeStatus spec. */
export type CalicoNodeStatusSpec = z.infer<typeof CalicoNodeStatusSpecSchema>;
/** CalicoNodeStatus status. */
export type CalicoNodeStatusStatus = z.infer<typeof CalicoNodeStatusStatusSchema>;
/** A CalicoNodeStatus resource. */
export type CalicoNodeStatus = z.infer<typeof CalicoNodeStatusSchema>;
