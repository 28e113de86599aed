import type {
  BgpConfiguration,
  BgpFilter,
  BgpPeer,
  BlockAffinity,
  CalicoNodeStatus,
  ClusterInformation,
  IpPool,
} from "@calicokit/types";
import * as z from "zod";
import { type ApiChoice, type ApiDetection, chooseApi } from "./ApiDetection.js";
import {
  type BgpStatusOptions,
  bgpStatus,
  type NodeBgpStatus,
  type SweepBgpStatusOptions,
  sweepBgpStatus,
} from "./BgpStatus.js";
import { CalicoClientError } from "./CalicoClientError.js";
import { calicoCodec, type WarningSink } from "./CalicoCodec.js";
import { resourceKinds } from "./CalicoKinds.js";
import type { ApiGroup } from "./CalicoObject.js";
import { ConfigMapClient } from "./ConfigMapClient.js";
import {
  checkOptions,
  countSchema,
  functionSchema,
  optionsSchema,
  signalSchema,
} from "./internal/InputCheck.js";
import { Transport } from "./internal/Transport.js";
import {
  type KubeConfigSource,
  kubeConfigSourceFields,
  loadKubeConfig,
} from "./KubeConfigSource.js";
import { LeaseClient } from "./LeaseClient.js";
import { NodeClient } from "./NodeClient.js";
import { NodeDrain } from "./NodeDrain.js";
import { PodClient } from "./PodClient.js";
import {
  defaultRateLimit,
  RateLimiter,
  type RateLimitOptions,
  rateLimitOptionsSchema,
} from "./RateLimiter.js";
import { ResourceClient } from "./ResourceClient.js";
import { type RetryOptions, retryOptionsSchema, withRetries } from "./RetryPolicy.js";
import { SecretAccess } from "./SecretAccess.js";

/** Everything `CalicoClient.connect` accepts. */
export interface CalicoClientOptions extends KubeConfigSource {
  /** Which Calico API group to use. Default `auto` (discovery). */
  readonly api?: ApiChoice;
  readonly retry?: RetryOptions;
  /** Client-side rate limit; `false` turns it off. Default 50 QPS, burst 100. */
  readonly rateLimit?: RateLimitOptions | false;
  /** Budget for one request, in ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Validation warnings of writes (they do not stop the write). */
  readonly onWarning?: WarningSink;
  readonly signal?: AbortSignal;
}

const clientOptionsSchema = optionsSchema<CalicoClientOptions>({
  ...kubeConfigSourceFields,
  api: z.enum(["auto", "v3", "v1"]).optional(),
  retry: retryOptionsSchema.typed.optional(),
  rateLimit: z.union([rateLimitOptionsSchema.typed, z.literal(false)]).optional(),
  requestTimeoutMs: countSchema(1),
  onWarning: functionSchema<WarningSink>(),
  signal: signalSchema,
});

/** What the client found out about the cluster when it connected. */
export interface ClusterFacts extends ApiDetection {
  readonly server: string;
  /** `spec.calicoVersion` of ClusterInformation `default`; undefined when not written yet. */
  readonly calicoVersion: string | undefined;
  readonly clusterType: string | undefined;
  /** Why the version is unknown, when it is. */
  readonly warnings: readonly string[];
}

/**
 * A typed Calico client over the real API server. `connect` finds the cluster like kubectl,
 * discovers which Calico API group is served, and reads the Calico version. Then: one resource
 * client per Calico kind, the Calico Node view with route-reflector marking, cluster-wide BGP
 * status, and Leases for one-run-per-cluster.
 *
 * @example
 * ```ts
 * const client = await CalicoClient.connect({ kubeconfigPath: "~/.kube/config" })
 * console.log(client.facts.api.apiVersion, client.facts.calicoVersion)
 * const mesh = await client.bgpConfigurations.get("default")
 * client.close()
 * ```
 */
export class CalicoClient {
  readonly bgpConfigurations: ResourceClient<BgpConfiguration>;
  readonly bgpPeers: ResourceClient<BgpPeer>;
  readonly bgpFilters: ResourceClient<BgpFilter>;
  readonly ipPools: ResourceClient<IpPool>;
  readonly calicoNodeStatuses: ResourceClient<CalicoNodeStatus>;
  readonly blockAffinities: ResourceClient<BlockAffinity>;
  readonly clusterInformations: ResourceClient<ClusterInformation>;
  readonly nodes: NodeClient;
  readonly leases: LeaseClient;
  /** Pods by node, read-only (which workloads a route change on a node touches). */
  readonly pods: PodClient;
  /** Cordon and evict: the opt-in drain of route reflectors before they are marked. */
  readonly drain: NodeDrain;
  /** Whether a Secret exists (metadata only) and who may read it: the BGP password preflight. */
  readonly secretAccess: SecretAccess;

  private constructor(
    private readonly transport: Transport,
    readonly facts: ClusterFacts,
    private readonly retry: RetryOptions,
    onWarning: WarningSink | undefined,
  ) {
    const codec = calicoCodec(facts.api, onWarning);
    this.bgpConfigurations = new ResourceClient(
      transport,
      resourceKinds.bgpConfigurations,
      codec,
      retry,
    );
    this.bgpPeers = new ResourceClient(transport, resourceKinds.bgpPeers, codec, retry);
    this.bgpFilters = new ResourceClient(transport, resourceKinds.bgpFilters, codec, retry);
    this.ipPools = new ResourceClient(transport, resourceKinds.ipPools, codec, retry);
    this.calicoNodeStatuses = new ResourceClient(
      transport,
      resourceKinds.calicoNodeStatuses,
      codec,
      retry,
    );
    this.blockAffinities = new ResourceClient(
      transport,
      resourceKinds.blockAffinities,
      codec,
      retry,
    );
    this.clusterInformations = new ResourceClient(
      transport,
      resourceKinds.clusterInformations,
      codec,
      retry,
    );
    this.nodes = new NodeClient(transport, retry);
    this.leases = new LeaseClient(transport, retry);
    this.pods = new PodClient(transport, retry);
    this.drain = new NodeDrain(transport, retry);
    this.secretAccess = new SecretAccess(transport, retry);
  }

  /**
   * ConfigMaps of one namespace as small records (the migration journal lives in them).
   *
   * @example
   * ```ts
   * const journals = client.configMaps("kube-system")
   * ```
   */
  configMaps(namespace: string): ConfigMapClient {
    return new ConfigMapClient(this.transport, namespace, this.retry);
  }

  /**
   * Connects: loads the kubeconfig (failing clearly when no cluster is configured), discovers
   * the Calico API group ("Calico CRDs not found" when neither is served) and reads
   * ClusterInformation for the Calico version.
   *
   * @example
   * ```ts
   * const client = await CalicoClient.connect({ context: "prod", rateLimit: { qps: 20, burst: 40 } })
   * ```
   */
  static async connect(options: CalicoClientOptions = {}): Promise<CalicoClient> {
    checkOptions(clientOptionsSchema, options, undefined, "CalicoClient.connect options");
    const { kubeConfig: given, kubeconfigPath, context } = options;
    const kubeConfig = loadKubeConfig({
      ...(given ? { kubeConfig: given } : {}),
      ...(kubeconfigPath ? { kubeconfigPath } : {}),
      ...(context ? { context } : {}),
    });
    const rateLimit = options.rateLimit ?? defaultRateLimit;
    const transport = new Transport(kubeConfig, {
      limiter: rateLimit === false ? undefined : new RateLimiter(rateLimit),
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    });
    const retry = options.retry ?? {};
    try {
      const groups = await withRetries(
        () =>
          transport.apis.getAPIVersions(
            {},
            Transport.callOptions(options.signal ? { signal: options.signal } : {}),
          ),
        { verb: "get", resource: "apigroups" },
        retry,
        options.signal,
      );
      const detection = chooseApi(
        groups.groups.map((g) => ({ name: g.name, versions: g.versions })),
        options.api ?? "auto",
      );
      const facts = await readFacts(transport, detection, retry, options.signal);
      return new CalicoClient(transport, facts, retry, options.onWarning);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  /** The API group in use: `projectcalico.org/v3` or `crd.projectcalico.org/v1`. */
  get api(): ApiGroup {
    return this.facts.api;
  }

  /**
   * BGP sessions of each node, from calico-node itself, through temporary CalicoNodeStatus
   * objects (see {@link bgpStatus}).
   *
   * @example
   * ```ts
   * const statuses = await client.bgpStatus(["rr-1", "rr-2"], { timeoutMs: 30_000 })
   * ```
   */
  bgpStatus(nodes: readonly string[], options: BgpStatusOptions = {}): Promise<NodeBgpStatus[]> {
    return bgpStatus(this.calicoNodeStatuses, nodes, options, this.nodes);
  }

  /**
   * Deletes leftover temporary CalicoNodeStatus objects of ours (from a killed run).
   *
   * @example
   * ```ts
   * await client.sweepBgpStatus({ olderThanMs: 0 })
   * ```
   */
  sweepBgpStatus(options: SweepBgpStatusOptions = {}): Promise<string[]> {
    return sweepBgpStatus(this.calicoNodeStatuses, options);
  }

  /** Closes idle connections; open watches end with their signals. */
  close(): void {
    this.transport.close();
  }
}

async function readFacts(
  transport: Transport,
  detection: ApiDetection,
  retry: RetryOptions,
  signal: AbortSignal | undefined,
): Promise<ClusterFacts> {
  const info = new ResourceClient(
    transport,
    resourceKinds.clusterInformations,
    calicoCodec(detection.api),
    retry,
  );
  const warnings: string[] = [];
  let spec: ClusterInformation["spec"] | undefined;
  try {
    spec = (await info.get("default", signal ? { signal } : {})).spec;
  } catch (error) {
    if (!(error instanceof CalicoClientError)) throw error;
    if (error._tag !== "NotFound" && error._tag !== "Forbidden") throw error;
    warnings.push(
      error._tag === "NotFound"
        ? "ClusterInformation default does not exist yet (calico-node or the operator writes it): the Calico version is unknown"
        : `cannot read ClusterInformation: ${error.detail}`,
    );
  }
  if (spec !== undefined && !spec.calicoVersion) {
    warnings.push("ClusterInformation default has no calicoVersion: the Calico version is unknown");
  }
  return {
    ...detection,
    server: transport.server,
    calicoVersion: spec?.calicoVersion || undefined,
    clusterType: spec?.clusterType || undefined,
    warnings,
  };
}
