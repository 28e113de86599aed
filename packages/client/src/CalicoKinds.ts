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
import * as z from "zod";
import { CalicoClientError } from "./CalicoClientError.js";
import type { CalicoObject, ResourceKind } from "./CalicoObject.js";

/**
 * An object the apiserver sent, typed by `schema`; one our schema cannot type is a
 * `CalicoClientError` naming the object and each field, never a raw zod error.
 *
 * @example
 * ```ts
 * import { KubernetesNodeSchema } from "@calicokit/types"
 *
 * const response = await fetch("https://kubernetes.default.svc/api/v1/nodes/node-1")
 * const node = readAs(KubernetesNodeSchema, "Node", await response.json())
 * ```
 */
export function readAs<T>(schema: z.ZodType<T>, kind: string, object: unknown): T {
  const result = schema.safeParse(object);
  if (result.success) return result.data;
  const name = (object as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  throw new CalicoClientError(
    "Unknown",
    `${kind} "${String(name)}" from the apiserver does not match calicokit's schema`,
    {
      causes: result.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
      hint: "the cluster holds an object calicokit cannot read: check it with kubectl get -o yaml",
    },
  );
}

function kind<T extends CalicoObject>(
  name: keyof typeof calicoKinds,
  schema: z.ZodType<T>,
): ResourceKind<T> {
  // Every object a list or watch returns passes this schema: zod's compiled parser types them
  // about four times faster (the list speed target); compiled on first use, not at import.
  let compiled: z.ZodType<T> | undefined;
  return {
    kind: name,
    plural: calicoKinds[name].plural,
    read: (object) => {
      compiled ??= z.compile(schema);
      return readAs(compiled, name, object);
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
