import * as z from "zod";
import { asNumberField } from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";
import { objectMetaInputSchema } from "./ObjectMetaSchemas.js";

/** Calico's Node as a user writes it (the public CalicoNodeInputSchema). */
export const calicoNodeInputSchema = builtOnce(() => {
  const inputString = z.string().optional();
  return z.strictObject({
    apiVersion: z.literal("projectcalico.org/v3"),
    kind: z.literal("Node"),
    metadata: objectMetaInputSchema(),
    spec: z
      .strictObject({
        bgp: z
          .strictObject({
            asNumber: asNumberField("strict").optional(),
            ipv4Address: inputString,
            ipv6Address: inputString,
            ipv4IPIPTunnelAddr: inputString,
            routeReflectorClusterID: inputString,
          })
          .optional(),
        ipv4VXLANTunnelAddr: inputString,
        vxlanTunnelMACAddr: inputString,
        ipv6VXLANTunnelAddr: inputString,
        vxlanTunnelMACAddrV6: inputString,
        orchRefs: z
          .array(z.strictObject({ nodeName: inputString, orchestrator: z.string() }))
          .optional(),
        wireguard: z
          .strictObject({ interfaceIPv4Address: inputString, interfaceIPv6Address: inputString })
          .optional(),
        addresses: z.array(z.strictObject({ address: z.string(), type: inputString })).optional(),
        interfaces: z
          .array(z.strictObject({ name: inputString, addresses: z.array(z.string()).optional() }))
          .optional(),
      })
      .default({}),
    status: z
      .strictObject({
        wireguardPublicKey: inputString,
        wireguardPublicKeyV6: inputString,
        podCIDRs: z.array(z.string()).optional(),
      })
      .optional(),
  });
});
