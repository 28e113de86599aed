import * as http from "node:http";
import * as https from "node:https";
import {
  ApiException,
  ApisApi,
  AuthorizationV1Api,
  type Configuration,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  createConfiguration,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  ResponseContext,
  SelfDecodingBody,
  ServerConfiguration,
  wrapHttpLibrary,
} from "@kubernetes/client-node";
import type { RateLimiter } from "../RateLimiter.js";

/** Per-call options of client-node's generated APIs (promise middleware). */
export type CallOptions = Parameters<CustomObjectsApi["getClusterCustomObject"]>[1];

export interface TransportOptions {
  readonly limiter: RateLimiter | undefined;
  /** Budget for one request (not a watch), in ms. */
  readonly requestTimeoutMs: number;
}

/**
 * The HTTP layer under client-node's generated APIs. client-node 2.0.1 builds a new undici
 * dispatcher (so a new TLS connection) for every call; this keeps one keep-alive agent per
 * client instead, applies the client-side rate limit, honours per-call AbortSignals and a
 * request timeout, and opens watch streams on the same connection pool.
 */
export class Transport {
  readonly server: string;
  readonly customObjects: CustomObjectsApi;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly apis: ApisApi;
  readonly authorization: AuthorizationV1Api;
  private agent: http.Agent | undefined;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: TransportOptions,
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (cluster === null) throw new Error("the kubeconfig has no current cluster");
    this.server = cluster.server.replace(/\/+$/, "");
    const configuration: Configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      httpApi: wrapHttpLibrary({ send: (ctx) => this.send(ctx) }),
      authMethods: {
        default: {
          getName: () => "calicokit kubeconfig",
          applySecurityAuthentication: (ctx: RequestContext) => this.authenticate(ctx),
        },
      },
    });
    this.customObjects = new CustomObjectsApi(configuration);
    this.core = new CoreV1Api(configuration);
    this.coordination = new CoordinationV1Api(configuration);
    this.apis = new ApisApi(configuration);
    this.authorization = new AuthorizationV1Api(configuration);
  }

  /** Options for one generated-API call: its AbortSignal and, for patches, the content type. */
  static callOptions(input: { signal?: AbortSignal; contentType?: string }): CallOptions {
    if (input.signal === undefined && input.contentType === undefined) return undefined;
    const middleware: ObservableMiddleware = {
      pre: (ctx) => {
        if (input.signal) ctx.setSignal(input.signal);
        if (input.contentType) ctx.setHeaderParam("Content-Type", input.contentType);
        return new Observable(Promise.resolve(ctx));
      },
      post: (res) => new Observable(Promise.resolve(res)),
    };
    return { middleware: [middleware], middlewareMergeStrategy: "append" };
  }

  /** Credentials from the kubeconfig (token, client cert, exec plugin...), fresh per request. */
  private async authenticate(ctx: RequestContext): Promise<void> {
    const opts: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(opts);
    this.agent ??= this.makeAgent(opts);
    for (const [key, value] of Object.entries(opts.headers ?? {})) {
      ctx.setHeaderParam(key, String(value));
    }
    if (opts.auth) {
      ctx.setHeaderParam("Authorization", `Basic ${Buffer.from(opts.auth).toString("base64")}`);
    }
  }

  private makeAgent(opts: https.RequestOptions): http.Agent {
    if (this.server.startsWith("http:")) return new http.Agent({ keepAlive: true });
    return new https.Agent({
      keepAlive: true,
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.rejectUnauthorized === undefined
        ? {}
        : { rejectUnauthorized: opts.rejectUnauthorized }),
      ...(opts.servername ? { servername: opts.servername } : {}),
    });
  }

  private async send(ctx: RequestContext): Promise<ResponseContext> {
    const body = ctx.getBody();
    const res = await this.open({
      method: ctx.getHttpMethod(),
      url: ctx.getUrl(),
      headers: ctx.getHeaders(),
      body: typeof body === "string" ? body : undefined,
      signal: ctx.getSignal(),
      timeoutMs: this.options.requestTimeoutMs,
    });
    return new ResponseContext(
      res.statusCode ?? 0,
      flatHeaders(res.headers),
      new SelfDecodingBody(Promise.resolve(await readBody(res))),
    );
  }

  /**
   * Opens a streaming GET (a watch): resolves with the 200 response unread; any other status is
   * read and thrown as client-node's `ApiException`, like the generated APIs do.
   */
  async stream(path: string, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
    const res = await this.get(path, {}, signal, undefined, "application/json");
    if (res.statusCode === 200) return res;
    throw new ApiException(
      res.statusCode ?? 0,
      `watch ${path}`,
      await readText(res),
      flatHeaders(res.headers),
    );
  }

  /**
   * A GET whose JSON answer is parsed once into plain objects, for reads whose size grows with
   * the cluster (Nodes, Pods): the generated APIs build model classes from the parsed JSON, a
   * second full copy the callers then convert back. Another status than 200 is thrown as
   * `ApiException`, like the generated APIs do. `accept` asks for another representation (e.g.
   * metadata only).
   */
  async getJson(
    path: string,
    query: Readonly<Record<string, string | number | undefined>>,
    signal: AbortSignal | undefined,
    accept = "application/json",
  ): Promise<unknown> {
    const res = await this.get(path, query, signal, this.options.requestTimeoutMs, accept);
    const text = await readText(res);
    if (res.statusCode === 200) return JSON.parse(text);
    throw new ApiException(res.statusCode ?? 0, `get ${path}`, text, flatHeaders(res.headers));
  }

  private async get(
    path: string,
    query: Readonly<Record<string, string | number | undefined>>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    accept: string,
  ): Promise<http.IncomingMessage> {
    const ctx = new ServerConfiguration(this.server, {}).makeRequestContext(path, "GET");
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) ctx.setQueryParam(key, String(value));
    }
    ctx.setHeaderParam("Accept", accept);
    await this.authenticate(ctx);
    return this.open({
      method: "GET",
      url: ctx.getUrl(),
      headers: ctx.getHeaders(),
      body: undefined,
      signal,
      timeoutMs,
    });
  }

  private async open(req: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string | undefined;
    signal: AbortSignal | undefined;
    timeoutMs: number | undefined;
  }): Promise<http.IncomingMessage> {
    await this.options.limiter?.take(req.signal);
    const url = new URL(req.url);
    const transport = url.protocol === "https:" ? https : http;
    const headers: Record<string, string> = { ...req.headers };
    if (req.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(req.body));
    const signals = [req.signal, req.timeoutMs ? AbortSignal.timeout(req.timeoutMs) : undefined];
    const active = signals.filter((s): s is AbortSignal => s !== undefined);
    const signal = active.length === 0 ? undefined : AbortSignal.any(active);
    return new Promise((resolve, reject) => {
      const request = transport.request(
        url,
        {
          method: req.method,
          headers,
          ...(this.agent ? { agent: this.agent } : {}),
          ...(signal ? { signal } : {}),
        },
        resolve,
      );
      request.on("error", (error) => reject(signal?.aborted ? (signal.reason ?? error) : error));
      request.end(req.body);
    });
  }

  /** Closes idle keep-alive connections (open watches end on their own signals). */
  close(): void {
    this.agent?.destroy();
  }
}

async function readBody(res: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readText(res: http.IncomingMessage): Promise<string> {
  return (await readBody(res)).toString("utf8");
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
