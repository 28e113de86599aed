import {
  type BgpConfiguration,
  BgpConfigurationSchema,
  type BgpFilter,
  BgpFilterSchema,
  type BgpPeer,
  BgpPeerSchema,
  type BlockAffinity,
  BlockAffinitySchema,
  type CalicoNodeStatus,
  CalicoNodeStatusSchema,
  type ClusterInformation,
  ClusterInformationSchema,
  calicoKinds,
  type IpPool,
  IpPoolSchema,
} from "@calicokit/types";
import type { z } from "zod";
import { CalicoClientError } from "./CalicoClientError.js";
import type { CalicoObject, ResourceKind } from "./CalicoObject.js";

function kind<T extends CalicoObject>(
  name: keyof typeof calicoKinds,
  schema: z.ZodType<T>,
): ResourceKind<T> {
  return {
    kind: name,
    plural: calicoKinds[name].plural,
    read: (object) => {
      const result = schema.safeParse(object);
      if (result.success) return result.data;
      // the server sent something our reading schema cannot type: say which object and field
      throw new CalicoClientError(
        "Unknown",
        `${name} "${object.metadata?.name}" from the apiserver does not match calicokit's schema`,
        {
          causes: result.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
        },
      );
    },
  };
}

/** The Calico kinds the client serves, each with the schema its reads are checked against. */
export const resourceKinds = {
  bgpConfigurations: kind<BgpConfiguration>("BGPConfiguration", BgpConfigurationSchema),
  bgpPeers: kind<BgpPeer>("BGPPeer", BgpPeerSchema),
  bgpFilters: kind<BgpFilter>("BGPFilter", BgpFilterSchema),
  ipPools: kind<IpPool>("IPPool", IpPoolSchema),
  calicoNodeStatuses: kind<CalicoNodeStatus>("CalicoNodeStatus", CalicoNodeStatusSchema),
  blockAffinities: kind<BlockAffinity>("BlockAffinity", BlockAffinitySchema),
  clusterInformations: kind<ClusterInformation>("ClusterInformation", ClusterInformationSchema),
} as const;
