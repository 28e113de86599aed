import { setTimeout as sleep } from "node:timers/promises";
import type { KubeHttp } from "@calicokit/testkit";
import { LabError } from "../LabError.js";

/** The parts of any Kubernetes object a watch needs. */
export interface KubeObject {
  readonly metadata: {
    readonly name: string;
    readonly resourceVersion?: string;
    readonly generation?: number;
  };
}

interface WatchEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  readonly object: KubeObject & { readonly code?: number };
}

/**
 * A list-then-watch cache of one cluster-scoped resource collection, as an informer keeps it:
 * LIST, then WATCH from the list's resourceVersion; a closed stream resumes from the last seen
 * version, a 410 Gone (version too old) re-lists. `onChange` runs after every applied event.
 *
 * @example
 * ```ts
 * import { KubeHttp } from "@calicokit/testkit"
 *
 * const http = new KubeHttp({ url: "https://127.0.0.1:6443", caData: "<PEM>", token: "<admin token>" })
 * const nodes = new KubeWatch(http, "/api/v1/nodes", (event) => console.log(event.type))
 * await nodes.start() // resolves once the first LIST is in
 * nodes.items // ReadonlyMap name -> object
 * nodes.stop()
 * ```
 */
export class KubeWatch<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly abort = new AbortController();
  private resourceVersion = "";

  constructor(
    private readonly http: KubeHttp,
    private readonly path: string,
    private readonly onChange: (event: { type: string; object: T }) => void,
  ) {}

  get items(): ReadonlyMap<string, T> {
    return this.cache;
  }

  /** Lists (failing loudly if the first LIST fails), then keeps watching in the background. */
  async start(): Promise<void> {
    await this.list();
    void this.watchLoop();
  }

  stop(): void {
    this.abort.abort();
  }

  private async list(): Promise<void> {
    const res = await this.http.request({ method: "GET", path: this.path });
    if (res.status !== 200) {
      throw new LabError(
        "ApiRequestFailed",
        `LIST ${this.path} answered HTTP ${res.status}: ${res.text.slice(0, 300)}`,
      );
    }
    const list = res.json<{ metadata: { resourceVersion: string }; items: T[] }>();
    const seen = new Set<string>();
    for (const item of list.items) {
      seen.add(item.metadata.name);
      this.cache.set(item.metadata.name, item);
      this.onChange({ type: "ADDED", object: item });
    }
    for (const [name, item] of this.cache) {
      if (seen.has(name)) continue;
      this.cache.delete(name);
      this.onChange({ type: "DELETED", object: item });
    }
    this.resourceVersion = list.metadata.resourceVersion;
  }

  private async watchLoop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const gone = await this.watchOnce();
        if (gone) await this.list();
      } catch {
        if (this.abort.signal.aborted) return;
        // The apiserver restarted or the connection broke: resume after a pause.
        await sleep(500);
      }
    }
  }

  /** Follows one watch stream until it ends; true when the version expired (re-list needed). */
  private async watchOnce(): Promise<boolean> {
    const separator = this.path.includes("?") ? "&" : "?";
    const res = await this.http.open({
      method: "GET",
      path: `${this.path}${separator}watch=1&allowWatchBookmarks=true&resourceVersion=${this.resourceVersion}`,
      signal: this.abort.signal,
    });
    if (res.statusCode === 410) return true;
    if (res.statusCode !== 200) throw new Error(`watch ${this.path}: HTTP ${res.statusCode}`);
    let buffer = "";
    for await (const chunk of res) {
      buffer += (chunk as Buffer).toString("utf8");
      for (let end = buffer.indexOf("\n"); end >= 0; end = buffer.indexOf("\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (line.trim() === "") continue;
        const event = JSON.parse(line) as WatchEvent;
        if (event.type === "ERROR") return event.object.code === 410;
        this.apply(event);
      }
    }
    return false;
  }

  private apply(event: WatchEvent): void {
    const object = event.object as T;
    if (object.metadata.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    if (event.type === "BOOKMARK") return;
    if (event.type === "DELETED") this.cache.delete(object.metadata.name);
    else this.cache.set(object.metadata.name, object);
    this.onChange({ type: event.type, object });
  }
}
