import {
  type CalicoNode,
  type CalicoNodeRead,
  calicoNodeAnnotations,
  calicoNodeFromKubernetes,
  isRouteReflectorClusterId,
  type KubernetesNode,
  KubernetesNodeSchema,
  kubernetesNodeFieldsFromCalico,
  parseSelector,
  type Selector,
  SelectorSyntaxError,
} from "@calicokit/types";
import { PatchStrategy } from "@kubernetes/client-node";
import * as z from "zod";
import { CalicoClientError, fromUnknown, type RequestTarget } from "./CalicoClientError.js";
import { validated } from "./CalicoCodec.js";
import { readAs } from "./CalicoKinds.js";
import {
  checkName,
  checkOptions,
  type OptionsSchema,
  optionsSchema,
} from "./internal/InputCheck.js";
import { Transport } from "./internal/Transport.js";
import {
  type CallOptions,
  callOptionsSchema,
  type ListOptions,
  listOptionsSchema,
  type WriteOptions,
  writeOptionFields,
} from "./ResourceClient.js";
import { type RetryOptions, withRetries } from "./RetryPolicy.js";

/** A core Node with its Calico view (`warnings` name annotations Calico would ignore). */
export interface NodeView extends CalicoNodeRead {
  readonly kubernetes: KubernetesNode;
}

/** Options of `client.nodes.list`. */
export interface NodeListOptions extends ListOptions {
  /**
   * A Calico selector (e.g. `has(route-reflector)`), matched against each Node's Calico labels:
   * its Kubernetes labels merged with the `projectcalico.org/labels` annotation that `calicoctl
   * label` writes, which is what BGPPeer `nodeSelector`/`peerSelector` see. `labelSelector`, by
   * contrast, is a Kubernetes selector the apiserver applies to the Kubernetes labels only.
   */
  readonly selector?: string;
}

// ListOptions' strict schema plus `selector`
const nodeListOptionsObject = listOptionsSchema.object.extend({ selector: z.string().optional() });
const nodeListOptionsSchema: OptionsSchema<NodeListOptions> = {
  object: nodeListOptionsObject,
  typed: nodeListOptionsObject as unknown as z.ZodType<NodeListOptions>,
};

/** The label that lets BGPPeer selectors find route reflectors (the annotation is not selectable). */
export interface RouteReflectorLabel {
  readonly key: string;
  readonly value: string;
}

export interface RouteReflectorOptions extends WriteOptions {
  /** Plain dotted IPv4, e.g. `244.0.0.1` (Calico silently ignores anything else). */
  readonly clusterId: string;
  /** Default: `projectcalico.org/RouteReflectorClusterID=<clusterId>`, as Calico's e2e does. */
  readonly label?: RouteReflectorLabel;
}

export interface ClearRouteReflectorOptions extends WriteOptions {
  /** The label key set by `setRouteReflector`. Default `projectcalico.org/RouteReflectorClusterID`. */
  readonly labelKey?: string;
}

const routeReflectorOptionsSchema = optionsSchema<RouteReflectorOptions>({
  ...writeOptionFields,
  clusterId: z.string(),
  label: optionsSchema<RouteReflectorLabel>({
    key: z.string().min(1),
    value: z.string(),
  }).typed.optional(),
});
const clearRouteReflectorOptionsSchema = optionsSchema<ClearRouteReflectorOptions>({
  ...writeOptionFields,
  labelKey: z.string().min(1).optional(),
});

const conflictAttempts = 5;

/**
 * The Calico Node view over core Kubernetes Nodes (Calico stores its Node fields as
 * annotations), and the one Node write calicokit needs: marking a route reflector with one
 * small merge patch that touches only our label and annotation.
 *
 * @example
 * ```ts
 * await client.nodes.setRouteReflector("worker-1", { clusterId: "244.0.0.1" })
 * const { node } = await client.nodes.get("worker-1")
 * node.spec.bgp?.routeReflectorClusterID // "244.0.0.1"
 * ```
 */
export class NodeClient {
  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions = {},
  ) {}

  private target(verb: string, name?: string): RequestTarget {
    return { verb, resource: "nodes", ...(name === undefined ? {} : { name }) };
  }

  private async readRaw(name: string, signal: AbortSignal | undefined): Promise<KubernetesNode> {
    const node = await withRetries(
      () => this.transport.getJson(`/api/v1/nodes/${encodeURIComponent(name)}`, {}, signal),
      this.target("get", name),
      this.retry,
      signal,
    );
    return readAs(KubernetesNodeSchema, "Node", node);
  }

  /** Reads one Node and its Calico view. */
  async get(name: string, options: CallOptions = {}): Promise<NodeView> {
    checkName(name, this.target("get"));
    checkOptions(callOptionsSchema, options, this.target("get", name));
    return view(await this.readRaw(name, options.signal));
  }

  /**
   * Streams every Node (one page in memory at a time) with its Calico view. `selector` selects
   * as Calico does (Calico labels, including `calicoctl label`'s); `labelSelector` filters on
   * Kubernetes labels at the apiserver. Both may be given: a Node must match both.
   *
   * @example
   * ```ts
   * for await (const { node } of client.nodes.list({ selector: "route-reflector == 'true'" })) {
   *   console.log(node.metadata.name)
   * }
   * ```
   */
  async *list(options: NodeListOptions = {}): AsyncGenerator<NodeView, void, undefined> {
    checkOptions(nodeListOptionsSchema, options, this.target("list"));
    const selector = calicoSelector(options.selector, this.target("list"));
    let token: string | undefined;
    do {
      const continueToken = token;
      const page = (await withRetries(
        () =>
          this.transport.getJson(
            "/api/v1/nodes",
            {
              limit: options.pageSize ?? 500,
              labelSelector: options.labelSelector || undefined,
              fieldSelector: options.fieldSelector || undefined,
              continue: continueToken,
            },
            options.signal,
          ),
        this.target("list"),
        this.retry,
        options.signal,
      )) as { items?: unknown[]; metadata?: { continue?: string } };
      for (const item of page.items ?? []) {
        const node = view(readAs(KubernetesNodeSchema, "Node", item));
        if (selector === undefined || selector.matches(node.node.metadata.labels ?? {})) yield node;
      }
      token = page.metadata?.continue || undefined;
    } while (token !== undefined);
  }

  /**
   * Makes `name` a route reflector: one merge patch adding the cluster-ID annotation and the
   * selectable label, guarded by the Node's resourceVersion; on 409 it re-reads and re-applies,
   * so another writer's labels and annotations survive. No write when both are already set.
   */
  async setRouteReflector(name: string, options: RouteReflectorOptions): Promise<NodeView> {
    checkName(name, this.target("patch"));
    checkOptions(routeReflectorOptionsSchema, options, this.target("patch", name));
    if (!isRouteReflectorClusterId(options.clusterId)) {
      throw new CalicoClientError(
        "Invalid",
        `route reflector cluster ID "${options.clusterId}" is not a plain dotted IPv4 address`,
        {
          causes: [
            { field: "clusterId", message: "use a dotted IPv4 such as 244.0.0.1 (no prefix)" },
          ],
          target: this.target("patch", name),
        },
      );
    }
    const label = options.label ?? {
      key: calicoNodeAnnotations.routeReflectorClusterID,
      value: options.clusterId,
    };
    return this.patchOwnFields(name, options, {
      labels: { [label.key]: label.value },
      annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: options.clusterId },
    });
  }

  /** Undoes `setRouteReflector`: removes our label and the cluster-ID annotation, nothing else. */
  async clearRouteReflector(
    name: string,
    options: ClearRouteReflectorOptions = {},
  ): Promise<NodeView> {
    checkName(name, this.target("patch"));
    checkOptions(clearRouteReflectorOptionsSchema, options, this.target("patch", name));
    return this.patchOwnFields(name, options, {
      labels: { [options.labelKey ?? calicoNodeAnnotations.routeReflectorClusterID]: null },
      annotations: { [calicoNodeAnnotations.routeReflectorClusterID]: null },
    });
  }

  /**
   * Applies a projectcalico.org/v3 Node as `calicoctl apply` does with the Kubernetes datastore:
   * only the Calico annotations of the core Node change (the Calico view's own labels travel in
   * `projectcalico.org/labels`; the core Node's labels are never touched), in one merge patch
   * guarded by the resourceVersion and retried on 409. No write when nothing differs. The
   * Node is first checked with libcalico-go's Node rules, as calicoctl checks it (`Invalid`
   * naming each field, nothing sent). The result's `warnings` include label changes Calico
   * would ignore.
   *
   * @example
   * ```ts
   * const { node } = await client.nodes.get("node-1")
   * const bgp = { ...node.spec.bgp, routeReflectorClusterID: "244.0.0.1" }
   * await client.nodes.applyCalicoNode({ ...node, spec: { ...node.spec, bgp } })
   * ```
   */
  async applyCalicoNode(node: CalicoNode, options: WriteOptions = {}): Promise<NodeView> {
    const checked = validated(node, undefined) as CalicoNode;
    const { annotations, warnings } = kubernetesNodeFieldsFromCalico(checked);
    const applied = await this.patchOwnFields(node.metadata.name, options, {
      labels: {},
      annotations,
    });
    return { ...applied, warnings: [...warnings, ...applied.warnings] };
  }

  private async patchOwnFields(
    name: string,
    options: WriteOptions,
    wanted: {
      labels: Record<string, string | null>;
      annotations: Record<string, string | null>;
    },
  ): Promise<NodeView> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.readRaw(name, options.signal);
      const labels = changed(current.metadata.labels, wanted.labels);
      const annotations = changed(current.metadata.annotations, wanted.annotations);
      if (labels === undefined && annotations === undefined) return view(current);
      const body = {
        metadata: {
          resourceVersion: current.metadata.resourceVersion,
          ...(labels ? { labels } : {}),
          ...(annotations ? { annotations } : {}),
        },
      };
      try {
        const patched = await withRetries(
          async ({ previousError }) => {
            // after an ambiguous failure, a Node already carrying our fields is the success
            if (previousError && !options.dryRun) {
              const now = await this.readRaw(name, options.signal);
              if (
                changed(now.metadata.labels, wanted.labels) === undefined &&
                changed(now.metadata.annotations, wanted.annotations) === undefined
              ) {
                return now;
              }
            }
            return this.transport.core.patchNode(
              {
                name,
                body,
                fieldManager: "calicokit",
                ...(options.dryRun ? { dryRun: "All" } : {}),
              },
              Transport.callOptions({ ...options, contentType: PatchStrategy.MergePatch }),
            );
          },
          this.target("patch", name),
          this.retry,
          options.signal,
        );
        return view(nodeFromServer(patched));
      } catch (error) {
        const failure = fromUnknown(error, this.target("patch", name));
        if (failure._tag !== "Conflict" || attempt >= conflictAttempts) throw failure;
      }
    }
  }
}

/** The entries of `wanted` that differ from `current` (null = delete), or undefined if none. */
function changed(
  current: Readonly<Record<string, string>> | undefined,
  wanted: Record<string, string | null>,
): Record<string, string | null> | undefined {
  const diff = Object.entries(wanted).filter(([k, v]) =>
    v === null ? current?.[k] !== undefined : current?.[k] !== v,
  );
  return diff.length === 0 ? undefined : Object.fromEntries(diff);
}

/** The `selector` option parsed, or a `Config` error naming it and where it fails. */
function calicoSelector(text: string | undefined, target: RequestTarget): Selector | undefined {
  if (text === undefined) return undefined;
  try {
    return parseSelector(text);
  } catch (error) {
    if (!(error instanceof SelectorSyntaxError)) throw error;
    throw new CalicoClientError("Config", `selector is not a Calico selector: ${error.message}`, {
      causes: [{ field: "selector", message: error.message }],
      hint: "write a Calico selector such as has(route-reflector) or zone == 'a'",
      target,
      cause: error,
    });
  }
}

function view(kubernetes: KubernetesNode): NodeView {
  return { kubernetes, ...calicoNodeFromKubernetes(kubernetes) };
}

/**
 * A Node as the server sent it: client-node returns model classes with Dates, which go back to
 * the apiserver's metav1.Time form (RFC 3339, whole seconds: `...T19:03:42Z`, not `.000Z`).
 */
function nodeFromServer(value: unknown): KubernetesNode {
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key, encoded) {
    const original = this[key];
    return original instanceof Date ? original.toISOString().replace(/\.\d{3}Z$/, "Z") : encoded;
  });
  return readAs(KubernetesNodeSchema, "Node", JSON.parse(json));
}
