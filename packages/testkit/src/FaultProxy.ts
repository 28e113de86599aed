import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** What a matching request gets instead of (or on top of) a clean pass-through. */
export type FaultAction =
  /** Wait, then pass the request through. */
  | { readonly kind: "delay"; readonly ms: number }
  /**
   * Hold the request, not yet forwarded, until the test calls `release()` on the injected rule;
   * then pass it through. With `reached()` this orders a race without guessing at times.
   */
  | { readonly kind: "hold" }
  /** Answer with a Kubernetes Status of this code without forwarding (429 adds Retry-After). */
  | { readonly kind: "respond"; readonly status: number; readonly retryAfterSeconds?: number }
  /** Forward and let the server commit, then answer 500 (or `status`): an ambiguous failure. */
  | { readonly kind: "failAfterCommit"; readonly status?: number }
  /** Destroy the client connection without forwarding. */
  | { readonly kind: "reset" }
  /** Forward a watch, then destroy the stream after `afterEvents` events (default 1) or `afterMs`. */
  | { readonly kind: "cutWatch"; readonly afterEvents?: number; readonly afterMs?: number };

export interface FaultRule {
  /** HTTP method to match; any when omitted. */
  readonly method?: string;
  /** Matches the URL path (no query): a RegExp, or a string where `*` is any run of characters. */
  readonly path: string | RegExp;
  /** Match only watch requests (`watch=true`) or only non-watch ones. */
  readonly watch?: boolean;
  /** How many matching requests the rule applies to. Default 1; `Infinity` for all. */
  readonly times?: number;
  readonly action: FaultAction;
}

/** A rule once injected: how many requests it has hit, and the barrier it can be. */
export interface InjectedFault {
  readonly rule: FaultRule;
  readonly hits: number;
  /**
   * Resolves once `count` (default 1) requests have hit the rule; for a `hold` rule, once they
   * are held. Resolves at once if they already have.
   */
  reached(count?: number): Promise<void>;
  /** Lets the requests a `hold` rule holds go on, and the later ones it matches pass at once. */
  release(): void;
}

/** One request seen by the proxy, and what it did with it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly fault?: FaultAction["kind"];
  readonly status?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point a client here instead of the apiserver. */
  readonly url: string;
  inject(rule: FaultRule): InjectedFault;
  /** Remove every rule. */
  clear(): void;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ProxiedRequest[];
  stop(): Promise<void>;
}

const statusReason: Record<number, string> = {
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

function statusBody(code: number, retryAfterSeconds?: number): string {
  return JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: `injected fault: HTTP ${code}`,
    reason: statusReason[code] ?? "InternalError",
    code,
    ...(retryAfterSeconds === undefined ? {} : { details: { retryAfterSeconds } }),
  });
}

/** An injected rule's state: its hits, who waits for them, and its `hold` gate. */
class RuleEntry {
  readonly match: RegExp;
  hits = 0;
  readonly released: Promise<void>;
  release: () => void = () => {};
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(readonly rule: FaultRule) {
    this.match = pathMatcher(rule.path);
    this.released = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  reached(count: number): Promise<void> {
    if (this.hits >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  notifyReached(): void {
    const due = this.waiters.filter((w) => this.hits >= w.count);
    this.waiters = this.waiters.filter((w) => this.hits < w.count);
    for (const w of due) w.resolve();
  }
}

function pathMatcher(pattern: string | RegExp): RegExp {
  if (pattern instanceof RegExp) return pattern;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*");
  return new RegExp(`^${escaped}$`);
}

/**
 * Starts a plain-HTTP proxy on loopback in front of an API server that applies scripted faults:
 * delays, 429 with Retry-After, 5xx, a write that commits and then answers 500, connection
 * resets, cut watch streams, and requests held until the test releases them. Rules are consumed
 * in order of injection.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy({ target: cp.url, caData: cp.caData })
 * proxy.inject({ method: "POST", path: "/apis/projectcalico.org/v3/bgppeers",
 *   action: { kind: "respond", status: 429, retryAfterSeconds: 1 } })
 * const api = new KubeHttp({ url: proxy.url, token: cp.admin.token })
 * ```
 */
export async function startFaultProxy(input: {
  readonly target: string;
  readonly caData?: string;
  /**
   * Authenticates requests that carry no Authorization header as this bearer token. kubectl
   * sends no credentials to a plain-HTTP server (client-go applies a kubeconfig's user only over
   * TLS), so a kubectl pointed at the proxy needs the proxy to add them.
   */
  readonly bearerToken?: string;
}): Promise<FaultProxy> {
  const target = new URL(input.target);
  const agent =
    target.protocol === "https:"
      ? new https.Agent({ keepAlive: true, ...(input.caData ? { ca: input.caData } : {}) })
      : new http.Agent({ keepAlive: true });
  const transport = target.protocol === "https:" ? https : http;
  const rules: RuleEntry[] = [];
  const requests: ProxiedRequest[] = [];

  const takeRule = (method: string, path: string, watch: boolean) => {
    const entry = rules.find(
      (r) =>
        r.hits < (r.rule.times ?? 1) &&
        (r.rule.method === undefined || r.rule.method.toUpperCase() === method) &&
        (r.rule.watch === undefined || r.rule.watch === watch) &&
        r.match.test(path),
    );
    if (entry) entry.hits++;
    return entry;
  };

  const server = http.createServer(async (req, res) => {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://proxy");
    const watch = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
    const entry = takeRule(method, url.pathname, watch);
    const action = entry?.rule.action;
    const record: { -readonly [K in keyof ProxiedRequest]: ProxiedRequest[K] } = {
      method,
      path: url.pathname + url.search,
    };
    if (action) record.fault = action.kind;
    requests.push(record);
    entry?.notifyReached();

    if (action?.kind === "hold") {
      await entry?.released;
      // stop() while held: the client is gone, nothing to forward
      if (req.socket.destroyed) return;
    }
    if (action?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (action?.kind === "respond") {
      req.resume();
      record.status = action.status;
      res.writeHead(action.status, {
        "content-type": "application/json",
        ...(action.retryAfterSeconds === undefined
          ? {}
          : { "retry-after": String(action.retryAfterSeconds) }),
      });
      res.end(statusBody(action.status, action.retryAfterSeconds));
      return;
    }
    if (action?.kind === "delay") await sleep(action.ms);

    const headers = {
      ...req.headers,
      host: target.host,
      ...(input.bearerToken !== undefined && req.headers.authorization === undefined
        ? { authorization: `Bearer ${input.bearerToken}` }
        : {}),
    };
    const upstream = transport.request(
      new URL(req.url ?? "/", target),
      { method, headers, agent },
      (up) => {
        record.status = up.statusCode ?? 0;
        if (action?.kind === "failAfterCommit") {
          // drain the real answer (the write has happened), then lie about it
          up.resume();
          up.once("end", () => {
            const status = action.status ?? 500;
            record.status = status;
            res.writeHead(status, { "content-type": "application/json" });
            res.end(statusBody(status));
          });
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (action?.kind === "cutWatch") {
          let events = 0;
          const cut = () => {
            up.destroy();
            res.socket?.destroy();
          };
          if (action.afterMs !== undefined) setTimeout(cut, action.afterMs);
          up.on("data", (chunk: Buffer) => {
            events += chunk
              .toString("utf8")
              .split("\n")
              .filter((l) => l.trim() !== "").length;
            const enough = action.afterMs === undefined && events >= (action.afterEvents ?? 1);
            // cut only once the events are on the wire, so the client sees them first
            res.write(chunk, enough ? cut : undefined);
          });
          up.on("end", () => res.end());
          return;
        }
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(statusBody(502));
      } else {
        res.destroy();
      }
    });
    req.pipe(upstream);
    // the client went away mid-answer (e.g. a watch it closed): stop the upstream request too
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inject(rule) {
      const entry = new RuleEntry(rule);
      rules.push(entry);
      return {
        rule,
        get hits() {
          return entry.hits;
        },
        reached: (count = 1) => entry.reached(count),
        release: () => entry.release(),
      };
    },
    clear() {
      rules.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      for (const entry of rules) entry.release();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
