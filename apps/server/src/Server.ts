import { readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { CalicoClient, loadKubeConfig } from "@calicokit/client";
import { serve } from "@hono/node-server";
import { createApp, type RouteModule } from "./App.js";
import { ClusterAuth } from "./ClusterAuth.js";
import { jsonLogger, type Logger } from "./Logger.js";
import { Metrics } from "./Metrics.js";
import type { ServerApp, ServerContext } from "./ServerContext.js";
import type { ServerOptions } from "./ServerOptions.js";

/** A running server. */
export interface RunningServer {
  /** `http://host:port` or `https://host:port`. */
  readonly url: string;
  readonly context: ServerContext;
  /** The Hono app (its routes, for tests and tools). */
  readonly app: ServerApp;
  /**
   * Graceful shutdown: stops accepting connections, ends event streams, lets route modules
   * finish (a run's current step is journalled and its Lease released), then closes the client.
   */
  close(): Promise<void>;
}

/** What a route module may hook into the server's life. */
export interface ServerModule {
  readonly routes: RouteModule;
  /** Started once the server listens; the returned function is awaited on shutdown. */
  readonly start?: (context: ServerContext) => () => Promise<void>;
}

/**
 * Connects to the cluster with the service's own credentials and serves the API.
 *
 * @example
 * ```ts
 * import { parseServerArgs, startServer } from "@calicokit/server"
 * const server = await startServer(parseServerArgs(["--kubeconfig", "sa.kubeconfig", "--listen", "127.0.0.1:0"]))
 * console.log(server.url)
 * await server.close()
 * ```
 */
export async function startServer(
  options: ServerOptions,
  extras: { readonly logger?: Logger; readonly modules?: readonly ServerModule[] } = {},
): Promise<RunningServer> {
  const logger = extras.logger ?? jsonLogger((line) => process.stdout.write(line));
  const metrics = new Metrics();
  const source = {
    ...(options.kubeconfigPath === undefined ? {} : { kubeconfigPath: options.kubeconfigPath }),
    ...(options.context === undefined ? {} : { context: options.context }),
  };
  const kubeConfig = loadKubeConfig(source);
  const client = await CalicoClient.connect({
    kubeConfig,
    retry: {
      onRetry: (event) => {
        const target = event.error.target;
        metrics.countRetry(target?.verb ?? "unknown", target?.resource ?? "unknown");
        logger.warn("cluster call retried", {
          attempt: event.attempt,
          delayMs: event.delayMs,
          error: event.error.message,
        });
      },
    },
  });
  const shutdown = new AbortController();
  const context: ServerContext = {
    client,
    auth: new ClusterAuth(kubeConfig),
    namespace: options.namespace,
    logger,
    metrics,
    shutdown: shutdown.signal,
  };
  const modules = extras.modules ?? [];
  const app = createApp(
    context,
    { bodyLimitBytes: options.bodyLimitBytes, requestTimeoutMs: options.requestTimeoutMs },
    modules.map((m) => m.routes),
  );

  const tls = options.tls;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        hostname: options.host,
        port: options.port,
        ...(tls === undefined
          ? {}
          : {
              createServer: createHttpsServer,
              serverOptions: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) },
            }),
      },
      () => resolve(s),
    );
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `${tls === undefined ? "http" : "https"}://${host}:${address.port}`;
  const stops = modules.flatMap((m) => (m.start === undefined ? [] : [m.start(context)]));
  logger.info("listening", {
    url,
    api: client.api.apiVersion,
    namespace: options.namespace,
    cluster: client.facts.server,
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      logger.info("shutting down");
      shutdown.abort(new Error("the server is shutting down"));
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(stops.map((stop) => stop()));
      // streams ended with the shutdown signal; idle keep-alive sockets need not wait
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      await stopped;
      client.close();
      logger.info("stopped");
    })();
    return closing;
  };
  return { url, context, app, close };
}
