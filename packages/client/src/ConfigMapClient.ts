import type { V1ConfigMap } from "@kubernetes/client-node";
import * as z from "zod";
import { CalicoClientError, fromUnknown, type RequestTarget } from "./CalicoClientError.js";
import { checkName, checkOptions, checkValue, optionsSchema } from "./internal/InputCheck.js";
import { Transport } from "./internal/Transport.js";
import { type CallOptions, callOptionsSchema } from "./ResourceClient.js";
import { type RetryOptions, withRetries } from "./RetryPolicy.js";

/** A ConfigMap as calicokit stores small records in it: string data plus metadata. */
export interface StoredConfigMap {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
  readonly creationTimestamp: string | undefined;
}

/** What a write stores: the caller owns labels, annotations and data of the ConfigMap. */
export interface ConfigMapContent {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

const textMap = z.record(z.string(), z.string());
const labelSelectorSchema = z.string();
/** What `create` and `replace` accept as content (unknown keys refused, `data` required). */
const contentSchema = optionsSchema<ConfigMapContent>({
  labels: textMap.optional(),
  annotations: textMap.optional(),
  data: textMap,
});

/**
 * Namespaced ConfigMaps as small records (journals, idempotency keys): read, create, replace
 * guarded by resourceVersion, list by label, delete. A write whose answer was lost is checked by
 * reading back: a ConfigMap that already holds exactly the data written is the success, so a
 * retried write never reports its own landed write as a conflict.
 *
 * @example
 * ```ts
 * const maps = client.configMaps("kube-system")
 * const created = await maps.create("calicokit-example", { data: { step: "1" } })
 * await maps.replace("calicokit-example", created.resourceVersion, { data: { step: "2" } })
 * ```
 */
export class ConfigMapClient {
  constructor(
    private readonly transport: Transport,
    readonly namespace: string,
    private readonly retry: RetryOptions = {},
  ) {
    // "*": the namespace applies to every call of this client
    checkName(namespace, { verb: "*", resource: "configmaps" }, "namespace");
  }

  /** A public call's name and options, checked before anything is sent. */
  private checked(verb: string, name: unknown, options: unknown): void {
    checkName(name, this.target(verb));
    checkOptions(callOptionsSchema, options, this.target(verb, name as string));
  }

  private target(verb: string, name?: string): RequestTarget {
    return {
      verb,
      resource: "configmaps",
      namespace: this.namespace,
      ...(name === undefined ? {} : { name }),
    };
  }

  /** The ConfigMap, or undefined when there is none. */
  async find(name: string, options: CallOptions = {}): Promise<StoredConfigMap | undefined> {
    try {
      return await this.get(name, options);
    } catch (error) {
      if (error instanceof CalicoClientError && error._tag === "NotFound") return undefined;
      throw error;
    }
  }

  /** The ConfigMap; `NotFound` when there is none. */
  async get(name: string, options: CallOptions = {}): Promise<StoredConfigMap> {
    this.checked("get", name, options);
    const map = await withRetries(
      () =>
        this.transport.core.readNamespacedConfigMap(
          { name, namespace: this.namespace },
          Transport.callOptions(options),
        ),
      this.target("get", name),
      this.retry,
      options.signal,
    );
    return stored(map);
  }

  /** Every ConfigMap matching the label selector. */
  async list(labelSelector: string, options: CallOptions = {}): Promise<StoredConfigMap[]> {
    const target = this.target("list");
    checkValue(labelSelectorSchema, labelSelector, "labelSelector", "a label selector", target);
    checkOptions(callOptionsSchema, options, target);
    const items: StoredConfigMap[] = [];
    let token: string | undefined;
    do {
      const continueToken = token;
      const page = await withRetries(
        () =>
          this.transport.core.listNamespacedConfigMap(
            {
              namespace: this.namespace,
              labelSelector,
              limit: 500,
              ...(continueToken ? { _continue: continueToken } : {}),
            },
            Transport.callOptions(options),
          ),
        this.target("list"),
        this.retry,
        options.signal,
      );
      items.push(...page.items.map(stored));
      token = page.metadata?._continue || undefined;
    } while (token !== undefined);
    return items;
  }

  /** Creates it; `AlreadyExists` when another writer's ConfigMap has that name. */
  async create(
    name: string,
    content: ConfigMapContent,
    options: CallOptions = {},
  ): Promise<StoredConfigMap> {
    this.checked("create", name, options);
    checkOptions(contentSchema, content, this.target("create", name), "ConfigMap content");
    return this.write("create", name, content, options, () =>
      this.transport.core.createNamespacedConfigMap(
        { namespace: this.namespace, body: body(name, this.namespace, content) },
        Transport.callOptions(options),
      ),
    );
  }

  /** Replaces it if still at `resourceVersion`; `Conflict` when someone wrote in between. */
  async replace(
    name: string,
    resourceVersion: string,
    content: ConfigMapContent,
    options: CallOptions = {},
  ): Promise<StoredConfigMap> {
    this.checked("update", name, options);
    checkName(resourceVersion, this.target("update", name), "resourceVersion");
    checkOptions(contentSchema, content, this.target("update", name), "ConfigMap content");
    return this.write("update", name, content, options, () =>
      this.transport.core.replaceNamespacedConfigMap(
        {
          name,
          namespace: this.namespace,
          body: {
            ...body(name, this.namespace, content),
            metadata: { ...meta(name, this.namespace, content), resourceVersion },
          },
        },
        Transport.callOptions(options),
      ),
    );
  }

  /** Deletes it; a ConfigMap that is already gone is not an error. */
  async delete(name: string, options: CallOptions = {}): Promise<void> {
    this.checked("delete", name, options);
    try {
      await withRetries(
        () =>
          this.transport.core.deleteNamespacedConfigMap(
            { name, namespace: this.namespace },
            Transport.callOptions(options),
          ),
        this.target("delete", name),
        this.retry,
        options.signal,
      );
    } catch (error) {
      const failure = fromUnknown(error, this.target("delete", name));
      if (failure._tag !== "NotFound") throw failure;
    }
  }

  private async write(
    verb: string,
    name: string,
    content: ConfigMapContent,
    options: CallOptions,
    op: () => Promise<V1ConfigMap>,
  ): Promise<StoredConfigMap> {
    try {
      return stored(await withRetries(op, this.target(verb, name), this.retry, options.signal));
    } catch (error) {
      const failure = fromUnknown(error, this.target(verb, name));
      if (failure._tag !== "AlreadyExists" && failure._tag !== "Conflict") throw failure;
      // our own earlier attempt may have landed before its answer was lost
      const now = await this.find(name, options);
      if (now !== undefined && sameData(now.data, content.data)) return now;
      throw failure;
    }
  }
}

function meta(name: string, namespace: string, content: ConfigMapContent) {
  return {
    name,
    namespace,
    ...(content.labels ? { labels: { ...content.labels } } : {}),
    ...(content.annotations ? { annotations: { ...content.annotations } } : {}),
  };
}

function body(name: string, namespace: string, content: ConfigMapContent): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(name, namespace, content),
    data: { ...content.data },
  };
}

function sameData(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function stored(map: V1ConfigMap): StoredConfigMap {
  const m = map.metadata ?? {};
  return {
    name: m.name ?? "",
    namespace: m.namespace ?? "",
    resourceVersion: m.resourceVersion ?? "",
    uid: m.uid ?? "",
    labels: m.labels ?? {},
    annotations: m.annotations ?? {},
    data: map.data ?? {},
    creationTimestamp:
      m.creationTimestamp === undefined ? undefined : new Date(m.creationTimestamp).toISOString(),
  };
}
