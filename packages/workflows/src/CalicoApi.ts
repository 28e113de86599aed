import {
  type AnyCalicoClientError,
  type CalicoClient,
  CalicoClientError,
  type CalicoObject,
  fromUnknown,
  type ResourceClient,
  type WatchEvent,
  type WatchOptions,
} from "@calicokit/client";
import * as Context from "effect/Context";
import * as Effect from "effect/Effect";
import * as Layer from "effect/Layer";
import * as Stream from "effect/Stream";

/**
 * The Promise client of `@calicokit/client` as an Effect service: the one boundary where
 * promises become effects. Calls keep the client's typed errors (`CalicoClientError`, whose tag
 * `catchTag` narrows) and are aborted when their fiber is interrupted; the client already retries
 * transient failures, so nothing here retries again.
 *
 * @example
 * ```ts
 * import { CalicoClient } from "@calicokit/client"
 * import { CalicoApi } from "@calicokit/workflows"
 * import * as Effect from "effect/Effect"
 * const client = await CalicoClient.connect()
 * const peers = Effect.gen(function* () {
 *   const api = yield* CalicoApi
 *   return yield* api.call((signal) => client.bgpPeers.listPage({ signal }))
 * })
 * await Effect.runPromise(Effect.provide(peers, CalicoApi.layer(client)))
 * ```
 */
export class CalicoApi extends Context.Service<
  CalicoApi,
  {
    readonly client: CalicoClient;
    /** One client call; interruption aborts its request. */
    call<A>(op: (signal: AbortSignal) => Promise<A>): Effect.Effect<A, AnyCalicoClientError>;
    /** A watch as a Stream; interruption ends the request. */
    watch<T extends CalicoObject>(
      resource: ResourceClient<T>,
      options: Omit<WatchOptions<T>, "signal">,
    ): Stream.Stream<WatchEvent<T>, AnyCalicoClientError>;
  }
>()("@calicokit/workflows/CalicoApi") {
  /** The service over a connected client. */
  static layer(client: CalicoClient): Layer.Layer<CalicoApi> {
    return Layer.succeed(CalicoApi, CalicoApi.of(serviceOver(client)));
  }
}

function asClientError(error: unknown): AnyCalicoClientError {
  return error instanceof CalicoClientError ? (error as AnyCalicoClientError) : fromUnknown(error);
}

function serviceOver(client: CalicoClient): CalicoApi["Service"] {
  return {
    client,
    call: (op) => Effect.tryPromise({ try: (signal) => op(signal), catch: asClientError }),
    watch: (resource, options) =>
      Stream.unwrap(
        Effect.sync(() => {
          const controller = new AbortController();
          return Stream.fromAsyncIterable(
            resource.watch({ ...options, signal: controller.signal }),
            asClientError,
          ).pipe(Stream.ensuring(Effect.sync(() => controller.abort())));
        }),
      ),
  };
}
