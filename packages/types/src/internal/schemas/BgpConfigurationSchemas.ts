import * as z from "zod";
import { resourceSchema } from "../validation/ResourceSchema.js";
import {
  asNumberField,
  modeObject,
  type ObjectMode,
  secretPassword,
  setList,
} from "../validation/SchemaParts.js";
import { builtOnce } from "./BuiltOnce.js";

function cidrBlocks<M extends ObjectMode>(mode: M) {
  return z.array(modeObject(mode, { cidr: z.string().optional() }));
}

export function bgpConfigurationSpec<M extends ObjectMode>(mode: M) {
  return modeObject(mode, {
    logSeverityScreen: z
      .string()
      .regex(/^(Trace|Debug|Info|Warning|Error|Fatal)?$/i, {
        error: "must be one of Trace, Debug, Info, Warning, Error, Fatal (any case)",
      })
      .optional(),
    nodeToNodeMeshEnabled: z.boolean().optional(),
    asNumber: asNumberField(mode).optional(),
    serviceLoadBalancerIPs: cidrBlocks(mode).optional(),
    serviceExternalIPs: cidrBlocks(mode).optional(),
    serviceClusterIPs: cidrBlocks(mode).optional(),
    serviceLoadBalancerAggregation: z.enum(["Enabled", "Disabled"]).optional(),
    communities: z
      .array(
        modeObject(mode, {
          name: z.string().max(253).optional(),
          value: z
            .string()
            .max(40)
            .regex(/^(\d+):(\d+)$|^(\d+):(\d+):(\d+)$/, {
              error: "must be aa:nn (standard) or aa:nn:mm (large community), e.g. 64512:100",
            })
            .optional(),
        }),
      )
      .max(500)
      .optional(),
    prefixAdvertisements: z
      .array(
        modeObject(mode, {
          cidr: z.string().optional(),
          communities: z.array(z.string()).max(50).optional(),
        }),
      )
      .max(500)
      .optional(),
    listenPort: z.int().min(1).max(65535).optional(),
    nodeMeshPassword: secretPassword(mode).optional(),
    nodeMeshMaxRestartTime: z.string().optional(),
    bindMode: z.enum(["None", "NodeIP"]).optional(),
    ignoredInterfaces: setList(z.string()).optional(),
    localWorkloadPeeringIPV4: z.string().optional(),
    localWorkloadPeeringIPV6: z.string().optional(),
    programClusterRoutes: z
      .enum(["Enabled", "Disabled", "EnabledIPIPOnly", "EnabledNoEncapOnly"])
      .optional(),
    ipv4NormalRoutePriority: z.int().min(1).max(2147483646).optional(),
    ipv6NormalRoutePriority: z.int().min(1).max(2147483646).optional(),
  });
}

/** BGPConfiguration as a user writes it (the public BgpConfigurationInputSchema). */
export const bgpConfigurationInputSchema = builtOnce(() =>
  resourceSchema("strict", "BGPConfiguration", bgpConfigurationSpec("strict")),
);
