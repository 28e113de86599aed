import { checkOptions } from "./internal/InputCheck.js";
import type { Transport } from "./internal/Transport.js";
import { type CallOptions, callOptionsSchema } from "./ResourceClient.js";
import { type RetryOptions, withRetries } from "./RetryPolicy.js";

/** A Pod as the migration planner needs it: where it runs and whether it has its own network. */
export interface PodPlacement {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  /** hostNetwork pods use the node's address: BGP changes do not reach them. */
  readonly hostNetwork: boolean;
  /** Pending, Running, Succeeded, Failed or Unknown. */
  readonly phase: string;
  /** The kind of its controller (e.g. `DaemonSet`, which a drain leaves alone), if any. */
  readonly controllerKind: string | null;
}

/** The fields of a Pod from the apiserver that a placement is made of. */
interface RawPod {
  readonly metadata?: {
    readonly namespace?: string;
    readonly name?: string;
    readonly ownerReferences?: readonly { readonly kind?: string; readonly controller?: boolean }[];
  };
  readonly spec?: { readonly nodeName?: string; readonly hostNetwork?: boolean };
  readonly status?: { readonly phase?: string };
}

/**
 * Read-only view of Pods across namespaces, by node: enough to tell which workloads a route
 * change on a node would touch.
 *
 * @example
 * ```ts
 * for (const pod of await client.pods.list()) console.log(pod.node, pod.namespace, pod.name)
 * ```
 */
export class PodClient {
  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions = {},
  ) {}

  /** Every Pod bound to a node (unscheduled ones are left out). */
  async list(options: CallOptions = {}): Promise<PodPlacement[]> {
    checkOptions(callOptionsSchema, options, { verb: "list", resource: "pods" });
    const pods: PodPlacement[] = [];
    let token: string | undefined;
    do {
      const continueToken = token;
      const page = (await withRetries(
        () =>
          this.transport.getJson(
            "/api/v1/pods",
            { fieldSelector: "spec.nodeName!=", limit: 500, continue: continueToken },
            options.signal,
          ),
        { verb: "list", resource: "pods" },
        this.retry,
        options.signal,
      )) as { items?: RawPod[]; metadata?: { continue?: string } };
      for (const pod of page.items ?? []) {
        pods.push({
          namespace: pod.metadata?.namespace ?? "",
          name: pod.metadata?.name ?? "",
          node: pod.spec?.nodeName ?? "",
          hostNetwork: pod.spec?.hostNetwork === true,
          phase: pod.status?.phase ?? "Unknown",
          controllerKind: pod.metadata?.ownerReferences?.find((o) => o.controller)?.kind ?? null,
        });
      }
      token = page.metadata?.continue || undefined;
    } while (token !== undefined);
    return pods;
  }
}
