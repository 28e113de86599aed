import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { ApiException, PatchStrategy } from "@kubernetes/client-node";
import * as z from "zod";
import { CalicoClientError, fromUnknown, type RequestTarget } from "./CalicoClientError.js";
import type { CalicoObject, ResourceKind, WireCodec } from "./CalicoObject.js";
import {
  checkName,
  checkObject,
  checkOptions,
  countSchema,
  type OptionsSchema,
  optionsSchema,
  signalSchema,
} from "./internal/InputCheck.js";
import { labelSelectorPredicate } from "./internal/LabelSelector.js";
import { applyMergePatch, containsFields, diffMergePatch } from "./internal/MergePatch.js";
import { Transport } from "./internal/Transport.js";
import {
  type AttemptContext,
  backoffDelay,
  defaultRetryOptions,
  isTransient,
  type RetryOptions,
  withRetries,
} from "./RetryPolicy.js";

/** The field manager of every write: server-side apply ownership and managedFields. */
export const fieldManager = "calicokit";

/** Options every call takes. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of every write: `dryRun` asks the apiserver to validate and answer without storing. */
export interface WriteOptions extends CallOptions {
  readonly dryRun?: boolean;
}

export interface ListOptions extends CallOptions {
  /** Kubernetes label selector, e.g. `app.kubernetes.io/managed-by=calicokit`. */
  readonly labelSelector?: string;
  /** Field selector, e.g. `metadata.name=default`. */
  readonly fieldSelector?: string;
  /** Objects per page (the apiserver's `limit`). Default 500. */
  readonly pageSize?: number;
}

/** One page of a list, with the token for the next one. */
export interface ListPage<T> {
  readonly items: T[];
  readonly resourceVersion: string;
  /** Pass as `continue` to get the next page; undefined on the last page. */
  readonly continue: string | undefined;
}

export interface PatchOptions extends WriteOptions {
  /**
   * Only patch if the object is still at this resourceVersion (else `Conflict`). Without it the
   * client reads the object, validates the result and retries on conflicts itself.
   */
  readonly resourceVersion?: string;
}

export interface ApplyOptions extends WriteOptions {
  /** Take over fields another manager owns (server-side apply `force`). Default false. */
  readonly force?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  /** Delete only the object with this uid (else `Conflict`). */
  readonly uid?: string;
  /** Delete only if still at this resourceVersion (else `Conflict`). */
  readonly resourceVersion?: string;
}

export interface WatchOptions<T extends CalicoObject = CalicoObject> extends CallOptions {
  /**
   * Start after this resourceVersion. Without it the watch first lists and reports every
   * existing object as ADDED, then follows changes.
   */
  readonly resourceVersion?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** How long one watch request lasts before the client renews it. Default 300 s. */
  readonly renewSeconds?: number;
  /**
   * The objects the caller already holds, when resuming with `resourceVersion` (from its own
   * list, or the events of an earlier watch): if that version is gone (410), the re-list then
   * reports exactly the difference from these (no repeated ADDED, a DELETED for each one gone).
   */
  readonly known?: Iterable<T>;
}

/** The schemas of `WriteOptions`' keys, for option types that extend it. */
export const writeOptionFields = { signal: signalSchema, dryRun: z.boolean().optional() };
const listFields = {
  signal: signalSchema,
  labelSelector: z.string().optional(),
  fieldSelector: z.string().optional(),
  pageSize: countSchema(1),
};

/** The schema `CallOptions` are checked against (unknown keys refused). */
export const callOptionsSchema = optionsSchema<CallOptions>({ signal: signalSchema });
/** The schema `WriteOptions` are checked against (unknown keys refused). */
export const writeOptionsSchema = optionsSchema<WriteOptions>(writeOptionFields);
/** The schema `ListOptions` are checked against (unknown keys refused). */
export const listOptionsSchema = optionsSchema<ListOptions>(listFields);
const listPageOptionsSchema = optionsSchema<ListPageOptions>({
  ...listFields,
  continue: z.string().optional(),
});
const patchOptionsSchema = optionsSchema<PatchOptions>({
  ...writeOptionFields,
  resourceVersion: z.string().optional(),
});
const applyOptionsSchema = optionsSchema<ApplyOptions>({
  ...writeOptionFields,
  force: z.boolean().optional(),
});
const deleteOptionsSchema = optionsSchema<DeleteOptions>({
  ...writeOptionFields,
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
});
const watchOptionsSchema = optionsSchema<WatchOptions<CalicoObject>>({
  signal: signalSchema,
  resourceVersion: z.string().optional(),
  labelSelector: z.string().optional(),
  fieldSelector: z.string().optional(),
  renewSeconds: countSchema(1),
  known: z
    .custom<Iterable<CalicoObject>>(
      (v) => typeof (v as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] === "function",
      "expected an iterable of objects (an array, a Map's values)",
    )
    .optional(),
});

/** Options of `listPage`: a list's options and the token of the page wanted. */
export type ListPageOptions = ListOptions & { readonly continue?: string | undefined };

/**
 * A typed watch event. Bookmarks carry only the resourceVersion reached. After a 410 Gone the
 * client re-lists and reports the difference as ADDED/MODIFIED/DELETED, so no change is lost.
 */
export type WatchEvent<T> =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED"; readonly object: T }
  | { readonly type: "BOOKMARK"; readonly resourceVersion: string };

interface RawWatchEvent {
  readonly type: string;
  readonly object: Record<string, unknown>;
}

/** Thrown inside the watch loop when the apiserver answers 410: the history is gone. */
class WatchExpired extends Error {}

/**
 * CRUD, list and watch for one cluster-scoped Calico kind, in whichever API group the cluster
 * serves. Every write is validated (and, for `crd.projectcalico.org/v1`, defaulted and
 * converted) by the codec before it is sent, retried only on transient failures, and never
 * sent twice: after an ambiguous failure the client reads first and accepts an object that
 * already holds what it meant to write.
 *
 * @example
 * ```ts
 * const peers = client.bgpPeers
 * await peers.create({ apiVersion: "projectcalico.org/v3", kind: "BGPPeer",
 *   metadata: { name: "rr-clients" }, spec: { nodeSelector: "all()", peerSelector: "rr == 'true'" } })
 * for await (const peer of peers.list({ labelSelector: "team=net" })) console.log(peer.metadata.name)
 * ```
 */
export class ResourceClient<T extends CalicoObject> {
  readonly resource: string;

  constructor(
    private readonly transport: Transport,
    readonly kind: ResourceKind<T>,
    private readonly codec: WireCodec,
    private readonly retry: RetryOptions = {},
  ) {
    this.resource = `${kind.plural}.${codec.api.group}`;
  }

  private get coordinates() {
    return {
      group: this.codec.api.group,
      version: this.codec.api.version,
      plural: this.kind.plural,
    };
  }

  private target(verb: string, name?: string): RequestTarget {
    return { verb, resource: this.resource, ...(name === undefined ? {} : { name }) };
  }

  /** A public call's options, checked (unknown keys, types) before anything is sent. */
  private options<O>(
    verb: string,
    name: string | undefined,
    schema: OptionsSchema<O>,
    given: unknown,
  ): O {
    return checkOptions(schema, given, this.target(verb, name));
  }

  /** Label filtering the apiserver cannot do for this codec (v1 mode), else "everything". */
  private clientSideSelector(selector: string | undefined): (object: CalicoObject) => boolean {
    if (this.codec.labelsServerSide || !selector) return () => true;
    const matches = labelSelectorPredicate(selector);
    return (object) => matches(object.metadata.labels ?? {});
  }

  private decode(raw: unknown): T {
    return this.kind.read(this.codec.decode(raw));
  }

  private run<R>(
    verb: string,
    name: string | undefined,
    signal: AbortSignal | undefined,
    operation: (context: AttemptContext) => Promise<R>,
  ): Promise<R> {
    return withRetries(operation, this.target(verb, name), this.retry, signal);
  }

  private encode(verb: string, object: CalicoObject): CalicoObject {
    checkObject(object, "object", this.target(verb));
    const candidate = { ...object, apiVersion: object.apiVersion ?? this.codec.api.apiVersion };
    if (candidate.kind !== this.kind.kind) {
      throw new CalicoClientError(
        "Invalid",
        `expected kind ${this.kind.kind}, got ${object.kind}`,
        {
          causes: [{ field: "kind", message: `must be ${this.kind.kind}` }],
          target: this.target(verb, object.metadata?.name),
        },
      );
    }
    return this.codec.encode(candidate, verb).body;
  }

  /** Reads one object; `NotFound` when it does not exist. */
  async get(name: string, options: CallOptions = {}): Promise<T> {
    checkName(name, this.target("get"));
    this.options("get", name, callOptionsSchema, options);
    const raw = await this.run("get", name, options.signal, () =>
      this.transport.customObjects.getClusterCustomObject(
        { ...this.coordinates, name },
        Transport.callOptions(options),
      ),
    );
    return this.decode(raw);
  }

  /** Reads one page; the building block of `list` (and of re-lists after 410). */
  async listPage(options: ListPageOptions = {}): Promise<ListPage<T>> {
    this.options("list", undefined, listPageOptionsSchema, options);
    const serverSide = this.codec.labelsServerSide ? options.labelSelector : undefined;
    const raw = (await this.run("list", undefined, options.signal, () =>
      this.transport.customObjects.listClusterCustomObject(
        {
          ...this.coordinates,
          limit: options.pageSize ?? 500,
          ...(serverSide ? { labelSelector: serverSide } : {}),
          ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
          ...(options.continue ? { _continue: options.continue } : {}),
        },
        Transport.callOptions(options),
      ),
    )) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
    const selected = this.clientSideSelector(options.labelSelector);
    return {
      items: (raw.items ?? []).map((item) => this.decode(item)).filter(selected),
      resourceVersion: raw.metadata?.resourceVersion ?? "",
      continue: raw.metadata?.continue || undefined,
    };
  }

  /**
   * Streams every matching object, one page (`pageSize`) in memory at a time.
   *
   * @example
   * ```ts
   * for await (const pool of client.ipPools.list()) console.log(pool.spec.cidr)
   * ```
   */
  async *list(options: ListOptions = {}): AsyncGenerator<T, void, undefined> {
    this.options("list", undefined, listOptionsSchema, options);
    let token: string | undefined;
    do {
      const page = await this.listPage({ ...options, continue: token });
      yield* page.items;
      token = page.continue;
    } while (token !== undefined);
  }

  /** Every matching object and the resourceVersion the list was taken at. */
  async listAll(options: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    this.options("list", undefined, listOptionsSchema, options);
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = "";
    do {
      const page = await this.listPage({ ...options, continue: token });
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
      token = page.continue;
    } while (token !== undefined);
    return { items, resourceVersion };
  }

  /**
   * Creates the object after validating it. If an attempt fails ambiguously (5xx, reset,
   * timeout) the retry first reads: an object already holding what we sent is the success.
   */
  async create(object: T, options: WriteOptions = {}): Promise<T> {
    const body = this.encode("create", object);
    const name = nameOf(body);
    this.options("create", name, writeOptionsSchema, options);
    const raw = await this.run("create", name, options.signal, async (attempt) => {
      if (mayHaveLanded(options, attempt)) {
        const existing = await this.readIfExists(name, options.signal);
        if (existing !== undefined) {
          if (holdsWrite(existing, body)) return existing;
          throw new CalicoClientError(
            "AlreadyExists",
            `${this.kind.kind} "${name}" exists with other content (an earlier attempt's fate was unknown, and something else wrote it)`,
            { target: this.target("create", name) },
          );
        }
      }
      try {
        return await this.transport.customObjects.createClusterCustomObject(
          { ...this.coordinates, body, fieldManager, ...dryRun(options) },
          Transport.callOptions(options),
        );
      } catch (error) {
        // an earlier attempt that was still on its way when we looked may be what exists now
        if (!mayHaveLanded(options, attempt) || fromUnknown(error)._tag !== "AlreadyExists") {
          throw error;
        }
        const existing = await this.readIfExists(name, options.signal);
        if (existing !== undefined && holdsWrite(existing, body)) return existing;
        throw error;
      }
    });
    return this.decode(raw);
  }

  /**
   * Replaces the whole object. `metadata.resourceVersion` is required: the write only lands
   * on that version (else `Conflict`).
   */
  async replace(object: T, options: WriteOptions = {}): Promise<T> {
    const body = this.encode("update", object);
    const name = nameOf(body);
    this.options("update", name, writeOptionsSchema, options);
    const expected = body.metadata.resourceVersion;
    if (!expected) {
      throw new CalicoClientError("Invalid", "replace needs metadata.resourceVersion", {
        causes: [
          {
            field: "metadata.resourceVersion",
            message: "required: read the object first and send it back changed",
          },
        ],
        target: this.target("update", name),
      });
    }
    const raw = await this.run("update", name, options.signal, async (attempt) => {
      if (mayHaveLanded(options, attempt)) {
        const landed = await this.guardedWriteLanded("update", name, expected, body, options);
        if (landed !== undefined) return landed;
      }
      return this.transport.customObjects.replaceClusterCustomObject(
        { ...this.coordinates, name, body, fieldManager, ...dryRun(options) },
        Transport.callOptions(options),
      );
    });
    return this.decode(raw);
  }

  /**
   * Applies an RFC 7386 merge patch (in v3 shape). The client reads the object, validates the
   * patched result, and sends the smallest merge patch with a resourceVersion precondition;
   * on a conflict it re-reads and tries again, unless you gave `resourceVersion` yourself.
   *
   * @example
   * ```ts
   * await client.bgpConfigurations.patch("default", { spec: { nodeToNodeMeshEnabled: true } })
   * ```
   */
  async patch(name: string, patch: object, options: PatchOptions = {}): Promise<T> {
    checkName(name, this.target("patch"));
    checkObject(patch, "patch", this.target("patch", name));
    this.options("patch", name, patchOptionsSchema, options);
    const attempts = options.resourceVersion === undefined ? 5 : 1;
    for (let attempt = 1; ; attempt++) {
      // the read is a call of its own: retried, and its failures are CalicoClientErrors
      const stored = await this.run("get", name, options.signal, () =>
        this.readRaw(name, options.signal),
      );
      const expected = stored.metadata.resourceVersion ?? "";
      if (options.resourceVersion && expected !== options.resourceVersion) {
        throw conflict(this.target("patch", name), options.resourceVersion, stored);
      }
      const current = this.decode(stored);
      const desired = this.encode("patch", applyMergePatch(current, patch) as T);
      // only what a write may change: spec, labels, annotations (never server-owned metadata)
      const diff = diffMergePatch(writable(stored), writable(desired)) as
        | { metadata?: object }
        | undefined;
      if (diff === undefined) return current;
      const body = { ...diff, metadata: { ...diff.metadata, resourceVersion: expected } };
      try {
        return await this.sendPatch(name, body, desired, expected, options);
      } catch (error) {
        const failure = fromUnknown(error, this.target("patch", name));
        if (failure._tag !== "Conflict" || attempt >= attempts) throw failure;
      }
    }
  }

  /** Sends one merge patch guarded by `expected`; `desired` is the stored form it leads to. */
  private async sendPatch(
    name: string,
    body: object,
    desired: CalicoObject,
    expected: string,
    options: WriteOptions,
  ): Promise<T> {
    const raw = await this.run("patch", name, options.signal, async (attempt) => {
      if (mayHaveLanded(options, attempt)) {
        const landed = await this.guardedWriteLanded("patch", name, expected, desired, options);
        if (landed !== undefined) return landed;
      }
      return this.transport.customObjects.patchClusterCustomObject(
        { ...this.coordinates, name, body, fieldManager, ...dryRun(options) },
        Transport.callOptions({ ...options, contentType: PatchStrategy.MergePatch }),
      );
    });
    return this.decode(raw);
  }

  /**
   * Server-side apply with field manager `calicokit`: the apiserver merges the fields we own
   * and leaves other managers' fields alone. The object is validated first.
   */
  async apply(object: T, options: ApplyOptions = {}): Promise<T> {
    const body = this.encode("patch", object);
    const name = nameOf(body);
    this.options("patch", name, applyOptionsSchema, options);
    const { resourceVersion: _ignored, ...metadata } = body.metadata;
    const applied = { ...body, metadata };
    let force = options.force === true;
    const raw = await this.run("patch", name, options.signal, async (attempt) => {
      if (mayHaveLanded(options, attempt)) {
        const existing = await this.readIfExists(name, options.signal);
        if (existing !== undefined && holdsWrite(existing, applied)) return existing;
      }
      const send = () =>
        this.transport.customObjects.patchClusterCustomObject(
          { ...this.coordinates, name, body: applied, fieldManager, force, ...dryRun(options) },
          Transport.callOptions({ ...options, contentType: PatchStrategy.ServerSideApply }),
        );
      try {
        return await send();
      } catch (error) {
        // fields we wrote with create/replace/patch belong to our Update manager: taking them
        // over for the Apply manager is no clobbering, so force only then
        if (force || !onlyOurOwnConflicts(fromUnknown(error))) throw error;
        force = true;
        return await send();
      }
    });
    return this.decode(raw);
  }

  /**
   * Deletes the object, optionally only if it still has `uid` / `resourceVersion`. A retry after
   * an ambiguous failure that finds it gone counts as done.
   */
  async delete(name: string, options: DeleteOptions = {}): Promise<void> {
    checkName(name, this.target("delete"));
    this.options("delete", name, deleteOptionsSchema, options);
    const uid = options.uid ? this.codec.storedUid(options.uid) : undefined;
    const preconditions = {
      ...(uid ? { uid } : {}),
      ...(options.resourceVersion ? { resourceVersion: options.resourceVersion } : {}),
    };
    await this.run("delete", name, options.signal, async (attempt) => {
      if (mayHaveLanded(options, attempt)) {
        const existing = await this.readIfExists(name, options.signal);
        if (existing === undefined) return;
        if (uid && existing.metadata.uid !== uid) return;
      }
      try {
        await this.transport.customObjects.deleteClusterCustomObject(
          {
            ...this.coordinates,
            name,
            ...dryRun(options),
            // no body unless there are preconditions: an empty DeleteOptions costs a parse
            ...(Object.keys(preconditions).length > 0 ? { body: { preconditions } } : {}),
          },
          Transport.callOptions(options),
        );
      } catch (error) {
        // gone although we saw it: an earlier attempt of ours, still on its way, deleted it
        if (mayHaveLanded(options, attempt) && fromUnknown(error)._tag === "NotFound") return;
        throw error;
      }
    });
  }

  /**
   * Writes `status` through the status subresource (what calico-node does for
   * CalicoNodeStatus). `metadata.resourceVersion` is the precondition when set.
   */
  async replaceStatus(object: T, options: WriteOptions = {}): Promise<T> {
    const body = { ...this.encode("update", object), status: object.status };
    const name = nameOf(body);
    this.options("update", name, writeOptionsSchema, options);
    const raw = await this.run("update", name, options.signal, () =>
      this.transport.customObjects.replaceClusterCustomObjectStatus(
        {
          ...this.coordinates,
          plural: `${this.kind.plural}`,
          name,
          body,
          fieldManager,
          ...dryRun(options),
        },
        Transport.callOptions(options),
      ),
    );
    return this.decode(raw);
  }

  /**
   * Follows changes as typed events. Reconnects after a dropped stream from the last
   * resourceVersion seen (events or bookmarks), so nothing is lost or repeated; after a 410
   * Gone it re-lists and reports the difference. Ends when `signal` aborts.
   *
   * @example
   * ```ts
   * const signal = AbortSignal.timeout(60_000)
   * for await (const event of client.bgpPeers.watch({ signal })) {
   *   if (event.type !== "BOOKMARK") console.log(event.type, event.object.metadata.name)
   * }
   * ```
   */
  async *watch(options: WatchOptions<T> = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    this.options("watch", undefined, watchOptionsSchema, options);
    const { signal } = options;
    // what the caller has seen, by name: a re-list after 410 reports only the difference
    const known = new Map<string, T>();
    for (const object of options.known ?? []) known.set(nameOf(object), object);
    let resourceVersion = options.resourceVersion;
    if (resourceVersion === undefined) {
      const listing = await this.listAll(listOptionsOf(options));
      for (const item of listing.items) {
        known.set(nameOf(item), item);
        yield { type: "ADDED", object: item };
      }
      resourceVersion = listing.resourceVersion;
    }
    const selected = this.clientSideSelector(options.labelSelector);
    const attempts = this.retry.attempts ?? defaultRetryOptions.attempts;
    const deadlineMs = this.retry.deadlineMs ?? defaultRetryOptions.deadlineMs;
    // failures in a row, and since when: a watch gives up only after failing for deadlineMs
    let failures = 0;
    let failingSince: number | undefined;
    const connected = () => {
      failures = 0;
      failingSince = undefined;
    };
    while (!signal?.aborted) {
      try {
        for await (const event of this.watchStream(resourceVersion, options, connected)) {
          if (event.type === "BOOKMARK") {
            resourceVersion = event.resourceVersion;
            yield event;
            continue;
          }
          const name = nameOf(event.object);
          const rv: string | undefined = event.object.metadata.resourceVersion;
          resourceVersion = rv ?? resourceVersion;
          const matches = selected(event.object);
          if (event.type === "DELETED") {
            known.delete(name);
            if (!matches) continue;
          } else if (!matches) {
            // an object leaving a client-side selection is gone as far as the caller knows
            if (known.delete(name)) yield { type: "DELETED", object: event.object };
            continue;
          } else if (known.get(name)?.metadata.resourceVersion === rv) continue;
          else known.set(name, event.object);
          yield event;
        }
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof WatchExpired) {
          const listing = await this.listAll(listOptionsOf(options));
          yield* relistDifference(known, listing.items);
          resourceVersion = listing.resourceVersion;
          continue;
        }
        const failure = fromUnknown(error, this.target("watch"));
        failures++;
        failingSince ??= performance.now();
        const outOfTime = performance.now() - failingSince >= deadlineMs;
        if (!isTransient(failure) || outOfTime || failures >= attempts) throw failure;
        const delay = backoffDelay(
          failures,
          this.retry.baseDelayMs ?? defaultRetryOptions.baseDelayMs,
          this.retry.maxDelayMs ?? defaultRetryOptions.maxDelayMs,
        );
        this.retry.onRetry?.({ error: failure, attempt: failures, delayMs: delay });
        try {
          await sleep(delay, undefined, signal ? { signal } : {});
        } catch {
          return;
        }
      }
    }
  }

  /** One watch request: yields decoded events until the server or the network ends it. */
  private async *watchStream(
    resourceVersion: string | undefined,
    options: WatchOptions<T>,
    connected: () => void,
  ): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const query = new URLSearchParams({
      watch: "true",
      allowWatchBookmarks: "true",
      timeoutSeconds: String(options.renewSeconds ?? 300),
    });
    if (resourceVersion) query.set("resourceVersion", resourceVersion);
    if (options.labelSelector && this.codec.labelsServerSide) {
      query.set("labelSelector", options.labelSelector);
    }
    if (options.fieldSelector) query.set("fieldSelector", options.fieldSelector);
    const { group, version, plural } = this.coordinates;
    const path = `/apis/${group}/${version}/${plural}?${query}`;
    let res: Awaited<ReturnType<Transport["stream"]>>;
    try {
      res = await this.transport.stream(path, options.signal);
    } catch (error) {
      if (error instanceof ApiException && error.code === 410) throw new WatchExpired();
      throw error;
    }
    connected();
    try {
      for await (const line of createInterface({ input: res, crlfDelay: Infinity })) {
        if (line.trim() === "") continue;
        const raw = JSON.parse(line) as RawWatchEvent;
        if (raw.type === "ERROR") {
          const code = typeof raw.object.code === "number" ? raw.object.code : 500;
          if (code === 410) throw new WatchExpired();
          throw new ApiException(code, "watch error", JSON.stringify(raw.object), {});
        }
        if (raw.type === "BOOKMARK") {
          const meta = raw.object.metadata as { resourceVersion?: string } | undefined;
          yield { type: "BOOKMARK", resourceVersion: meta?.resourceVersion ?? "" };
        } else if (raw.type === "ADDED" || raw.type === "MODIFIED" || raw.type === "DELETED") {
          yield { type: raw.type, object: this.decode(raw.object) };
        }
      }
      // a stream that ends without a server "timeout" close came from a cut connection
      if (!res.complete) throw Object.assign(new Error("watch stream cut"), { code: "ECONNRESET" });
    } finally {
      res.destroy();
    }
  }

  /**
   * After a guarded write (expected resourceVersion) failed ambiguously: the stored object if
   * that write landed, undefined if the object is still at `expected` (send again); a
   * `Conflict` if it moved on without holding what we wrote.
   */
  private async guardedWriteLanded(
    verb: "update" | "patch",
    name: string,
    expected: string,
    written: CalicoObject,
    options: WriteOptions,
  ): Promise<CalicoObject | undefined> {
    const current = await this.readRaw(name, options.signal);
    if (current.metadata.resourceVersion === expected) return undefined;
    if (holdsWrite(current, written)) return current;
    throw conflict(this.target(verb, name), expected, current);
  }

  private async readRaw(name: string, signal: AbortSignal | undefined): Promise<CalicoObject> {
    return (await this.transport.customObjects.getClusterCustomObject(
      { ...this.coordinates, name },
      Transport.callOptions(signal ? { signal } : {}),
    )) as CalicoObject;
  }

  private async readIfExists(
    name: string,
    signal: AbortSignal | undefined,
  ): Promise<CalicoObject | undefined> {
    try {
      return await this.readRaw(name, signal);
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }
}

function onlyOurOwnConflicts(error: CalicoClientError): boolean {
  return (
    error._tag === "Conflict" &&
    error.causes.length > 0 &&
    error.causes.every(
      (c) => c.reason === "FieldManagerConflict" && c.message.includes(`"${fieldManager}"`),
    )
  );
}

/** Calico objects always have a name (no generateName); reads type it as optional. */
function nameOf(object: CalicoObject): string {
  const name = object.metadata?.name;
  if (typeof name === "string" && name !== "") return name;
  throw new CalicoClientError("Invalid", `${object.kind} has no metadata.name`, {
    causes: [
      { field: "metadata.name", message: "required (Calico does not support generateName)" },
    ],
  });
}

// A retry after any failure of this call that may have committed first looks at what is
// stored; a dry run stores nothing, so it just sends again.
function mayHaveLanded(options: WriteOptions, attempt: AttemptContext): boolean {
  return !options.dryRun && attempt.mayHaveCommitted;
}

function dryRun(options: WriteOptions): { dryRun?: string } {
  return options.dryRun ? { dryRun: "All" } : {};
}

function writable(object: CalicoObject) {
  return {
    metadata: {
      labels: object.metadata.labels ?? {},
      annotations: object.metadata.annotations ?? {},
    },
    spec: object.spec ?? {},
  };
}

/** The stored object already carries every spec field, label and annotation we meant to write. */
function holdsWrite(stored: CalicoObject, written: CalicoObject): boolean {
  return (
    containsFields(stored.spec ?? {}, written.spec ?? {}) &&
    containsFields(stored.metadata.labels ?? {}, written.metadata.labels ?? {}) &&
    containsFields(stored.metadata.annotations ?? {}, written.metadata.annotations ?? {})
  );
}

function conflict(target: RequestTarget, expected: string, current: CalicoObject) {
  return new CalicoClientError(
    "Conflict",
    `expected resourceVersion ${expected}, found ${current.metadata.resourceVersion}`,
    { code: 409, reason: "Conflict", target },
  );
}

function* relistDifference<T extends CalicoObject>(
  known: Map<string, T>,
  items: readonly T[],
): Generator<WatchEvent<T>> {
  const seen = new Set<string>();
  for (const item of items) {
    const name = nameOf(item);
    seen.add(name);
    const before = known.get(name);
    known.set(name, item);
    if (before === undefined) yield { type: "ADDED", object: item };
    else if (before.metadata.resourceVersion !== item.metadata.resourceVersion) {
      yield { type: "MODIFIED", object: item };
    }
  }
  for (const [name, object] of known) {
    if (!seen.has(name)) {
      known.delete(name);
      yield { type: "DELETED", object };
    }
  }
}

/** The list options within a watch's options (a watch lists first, and again after 410). */
function listOptionsOf(options: WatchOptions<CalicoObject>): ListOptions {
  const { signal, labelSelector, fieldSelector } = options;
  return {
    ...(signal ? { signal } : {}),
    ...(labelSelector ? { labelSelector } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
  };
}
