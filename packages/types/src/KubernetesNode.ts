import * as z from "zod";

const stringMap = z.record(z.string(), z.string());

/**
 * The parts of a core Kubernetes `v1` Node that Calico reads: name, revision, labels,
 * annotations, pod CIDRs and addresses. A reading schema: every other field is kept as it is.
 *
 * @example
 * ```ts
 * const url = "https://kubernetes.default.svc/api/v1/nodes/node-1";
 * const node = KubernetesNodeSchema.parse(await (await fetch(url)).json());
 * node.metadata.annotations?.["projectcalico.org/IPv4Address"];
 * ```
 */
export const KubernetesNodeSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({
    name: z.string(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    creationTimestamp: z.string().optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  }),
  spec: z
    .looseObject({
      podCIDR: z.string().optional(),
      podCIDRs: z.array(z.string()).optional(),
    })
    .optional(),
  status: z
    .looseObject({
      addresses: z.array(z.looseObject({ type: z.string(), address: z.string() })).optional(),
    })
    .optional(),
});

/**
 * A core Kubernetes Node as far as Calico is concerned (see {@link KubernetesNodeSchema}).
 *
 * @example
 * ```ts
 * const node: KubernetesNode = { metadata: { name: "worker-1", labels: { zone: "a" } } };
 * ```
 */
export type KubernetesNode = z.infer<typeof KubernetesNodeSchema>;
