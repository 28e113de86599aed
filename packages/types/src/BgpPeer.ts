import { z } from "zod";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";
import {
  asNumberField,
  int32,
  modeObject,
  type ObjectMode,
  secretPassword,
} from "./internal/validation/SchemaParts.js";

function bgpPeerSpec<M extends ObjectMode>(mode: M) {
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

/**
 * BGPPeer spec as read from the cluster (unknown fields kept, no defaults).
 *
 * @example
 * ```ts
 * BgpPeerSpecSchema.parse({ peerIP: "10.0.0.1", asNumber: 64512 }).peerIP; // "10.0.0.1"
 * ```
 */
export const BgpPeerSpecSchema = bgpPeerSpec("loose");

/**
 * BGPPeer as read from the cluster: `{ apiVersion, kind: "BGPPeer", metadata, spec }`.
 *
 * @example
 * ```ts
 * const response = await fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/bgppeers/peer-to-rrs");
 * const peer = BgpPeerSchema.parse(await response.json());
 * peer.spec.peerSelector;
 * ```
 */
export const BgpPeerSchema = resourceSchema("loose", "BGPPeer", BgpPeerSpecSchema);

/**
 * BGPPeer as a user writes it: unknown fields are rejected; AS numbers may be asdot strings.
 *
 * @example
 * ```ts
 * BgpPeerInputSchema.safeParse({
 *   apiVersion: "projectcalico.org/v3", kind: "BGPPeer", metadata: { name: "p" },
 *   spec: { peerIp: "10.0.0.1" }, // typo: rejected
 * }).success; // false
 * ```
 */
export const BgpPeerInputSchema = resourceSchema("strict", "BGPPeer", bgpPeerSpec("strict"));

/** BGPPeer spec. */
export type BgpPeerSpec = z.infer<typeof BgpPeerSpecSchema>;
/** A BGPPeer resource (Calico `projectcalico.org/v3` kind `BGPPeer`). */
export type BgpPeer = z.infer<typeof BgpPeerSchema>;
/** A BGPPeer as accepted from users (before validateResource normalises AS numbers). */
export type BgpPeerInput = z.input<typeof BgpPeerInputSchema>;
