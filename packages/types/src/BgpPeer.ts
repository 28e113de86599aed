import type * as z from "zod";
import { bgpPeerInputSchema, bgpPeerSpec } from "./internal/schemas/BgpPeerSchemas.js";
import { resourceSchema } from "./internal/validation/ResourceSchema.js";

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
export const BgpPeerInputSchema = bgpPeerInputSchema();

/** BGPPeer spec. */
export type BgpPeerSpec = z.infer<typeof BgpPeerSpecSchema>;
/** A BGPPeer resource (Calico `projectcalico.org/v3` kind `BGPPeer`). */
export type BgpPeer = z.infer<typeof BgpPeerSchema>;
/** A BGPPeer as accepted from users (before validateResource normalises AS numbers). */
export type BgpPeerInput = z.input<typeof BgpPeerInputSchema>;
