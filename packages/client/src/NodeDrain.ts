import { PatchStrategy } from "@kubernetes/client-node";
import * as z from "zod";
import { CalicoClientError, fromUnknown } from "./CalicoClientError.js";
import { checkName, checkOptions, checkValue } from "./internal/InputCheck.js";
import { Transport } from "./internal/Transport.js";
import { type CallOptions, callOptionsSchema } from "./ResourceClient.js";
import { type RetryOptions, withRetries } from "./RetryPolicy.js";

const flagSchema = z.boolean();

/**
 * What `kubectl drain` does, as two small operations: cordoning (the Node's
 * `spec.unschedulable`) and evicting one pod through the Eviction API, which honours
 * PodDisruptionBudgets (a 429 while a budget forbids the eviction is retried until the deadline).
 *
 * @example
 * ```ts
 * await client.drain.cordon("node-4", true)
 * await client.drain.evict("default", "web-1")
 * await client.drain.cordon("node-4", false)
 * ```
 */
export class NodeDrain {
  constructor(
    private readonly transport: Transport,
    private readonly retry: RetryOptions = {},
  ) {}

  /** Sets `spec.unschedulable`; no write when it already has that value. */
  async cordon(name: string, unschedulable: boolean, options: CallOptions = {}): Promise<void> {
    checkName(name, { verb: "patch", resource: "nodes" });
    const target = { verb: "patch", resource: "nodes", name };
    checkValue(flagSchema, unschedulable, "unschedulable", "true (cordon) or false", target);
    checkOptions(callOptionsSchema, options, target);
    const node = await withRetries(
      () => this.transport.core.readNode({ name }, Transport.callOptions(options)),
      { ...target, verb: "get" },
      this.retry,
      options.signal,
    );
    if ((node.spec?.unschedulable ?? false) === unschedulable) return;
    await withRetries(
      () =>
        this.transport.core.patchNode(
          {
            name,
            body: {
              metadata: { resourceVersion: node.metadata?.resourceVersion },
              spec: { unschedulable: unschedulable ? true : null },
            },
            fieldManager: "calicokit",
          },
          Transport.callOptions({ ...options, contentType: PatchStrategy.MergePatch }),
        ),
      target,
      this.retry,
      options.signal,
    );
  }

  /** Evicts one pod; a pod that is already gone is not an error. */
  async evict(namespace: string, name: string, options: CallOptions = {}): Promise<void> {
    checkName(namespace, { verb: "create", resource: "pods/eviction" }, "namespace");
    checkName(name, { verb: "create", resource: "pods/eviction", namespace });
    const target = { verb: "create", resource: "pods/eviction", name, namespace };
    checkOptions(callOptionsSchema, options, target);
    try {
      await withRetries(
        () =>
          this.transport.core.createNamespacedPodEviction(
            {
              name,
              namespace,
              body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name, namespace } },
            },
            Transport.callOptions(options),
          ),
        target,
        this.retry,
        options.signal,
      );
    } catch (error) {
      const failure = error instanceof CalicoClientError ? error : fromUnknown(error, target);
      if (failure._tag !== "NotFound") throw failure;
    }
  }
}
