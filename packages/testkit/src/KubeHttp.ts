import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import * as http from "node:http";
import * as https from "node:https";

/** Where and as whom a raw client talks to an API server. */
export interface KubeEndpoint {
  /** `https://127.0.0.1:<port>` for the apiserver, `http://127.0.0.1:<port>` for a fault proxy. */
  readonly url: string;
  /** PEM bundle to trust for https URLs. */
  readonly caData?: string;
  /** Bearer token; omitted for anonymous requests. */
  readonly token?: string;
}

export interface KubeRequest {
  readonly method: string;
  /** Path and query, e.g. `/apis/projectcalico.org/v3/bgppeers?dryRun=All`. */
  readonly path: string;
  /** Sent as JSON unless it is already a string. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export interface KubeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}

/**
 * A deliberately raw Kubernetes HTTP client: no retries, no types, every status returned as it
 * came. Tests use it to see exactly what the API server (or the fault proxy) answered.
 *
 * @example
 * ```ts
 * const api = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token })
 * const res = await api.request({ method: "GET", path: "/api/v1/namespaces/default" })
 * res.status // 200
 * ```
 */
export class KubeHttp {
  private readonly agent: http.Agent;

  constructor(readonly endpoint: KubeEndpoint) {
    this.agent = endpoint.url.startsWith("https:")
      ? new https.Agent({ keepAlive: true, ...(endpoint.caData ? { ca: endpoint.caData } : {}) })
      : new http.Agent({ keepAlive: true });
  }

  /** Same server, another identity (or anonymous when `token` is undefined). */
  as(token: string | undefined): KubeHttp {
    const { token: _previous, ...rest } = this.endpoint;
    return new KubeHttp(token === undefined ? rest : { ...rest, token });
  }

  /** Sends one request and reads the whole answer. Network errors reject. */
  async request(req: KubeRequest): Promise<KubeResponse> {
    const res = await this.open(req);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    return {
      status: res.statusCode ?? 0,
      headers: res.headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  /** Sends one request and returns the response stream unread (for watches). */
  open(req: KubeRequest): Promise<IncomingMessage> {
    const url = new URL(req.path, this.endpoint.url);
    const body =
      req.body === undefined
        ? undefined
        : typeof req.body === "string"
          ? req.body
          : JSON.stringify(req.body);
    const headers: Record<string, string> = { accept: "application/json", ...req.headers };
    if (this.endpoint.token !== undefined) headers.authorization = `Bearer ${this.endpoint.token}`;
    if (body !== undefined) {
      headers["content-type"] = req.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const r = transport.request(
        url,
        {
          method: req.method,
          headers,
          agent: this.agent,
          ...(req.signal ? { signal: req.signal } : {}),
        },
        resolve,
      );
      r.on("error", reject);
      r.end(body);
    });
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** The `message` of a Kubernetes Status body, or the raw text. */
export function statusMessage(text: string): string {
  try {
    const status = JSON.parse(text) as { message?: string };
    return status.message ?? text;
  } catch {
    return text;
  }
}
