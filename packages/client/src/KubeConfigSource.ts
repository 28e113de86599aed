import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import * as z from "zod";
import { CalicoClientError } from "./CalicoClientError.js";
import { checkOptions, optionsSchema } from "./internal/InputCheck.js";

/** Where the client finds its cluster and credentials. */
export interface KubeConfigSource {
  /** A ready KubeConfig (wins over the others). */
  readonly kubeConfig?: KubeConfig;
  /**
   * A kubeconfig file (a leading `~/` is the home directory). Without either: $KUBECONFIG,
   * ~/.kube/config, then in-cluster.
   */
  readonly kubeconfigPath?: string;
  /** The context to use instead of the current one. */
  readonly context?: string;
}

/** The keys of `KubeConfigSource` and their schemas, shared with `CalicoClientOptions`. */
export const kubeConfigSourceFields = {
  kubeConfig: z
    .custom<KubeConfig>((v) => v === undefined || v instanceof KubeConfig, "expected a KubeConfig")
    .optional(),
  kubeconfigPath: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
};

const kubeConfigSourceSchema = optionsSchema<KubeConfigSource>(kubeConfigSourceFields);

/**
 * Loads a KubeConfig the way kubectl finds one, and fails clearly when nothing configures a
 * cluster: client-node's default chain silently falls back to http://localhost:8080.
 *
 * @example
 * ```ts
 * const kc = loadKubeConfig({ kubeconfigPath: "/etc/kube/admin.conf", context: "prod" })
 * ```
 */
export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  checkOptions(kubeConfigSourceSchema, source, undefined, "kubeconfig options");
  let kc: KubeConfig;
  let origin: string;
  if (source.kubeConfig) {
    kc = source.kubeConfig;
    origin = "the KubeConfig given";
  } else {
    kc = new KubeConfig();
    try {
      if (source.kubeconfigPath) {
        origin = source.kubeconfigPath;
        kc.loadFromFile(expandHome(source.kubeconfigPath));
      } else {
        origin = process.env.KUBECONFIG ? `$KUBECONFIG (${process.env.KUBECONFIG})` : "defaults";
        kc.loadFromDefault();
      }
    } catch (error) {
      throw new CalicoClientError(
        "Config",
        `cannot read the kubeconfig from ${source.kubeconfigPath ?? "the default chain"}: ${(error as Error).message}`,
        {
          cause: error,
          hint: "check that the file exists, is readable and is a kubeconfig (kubectl --kubeconfig <path> config view)",
        },
      );
    }
  }
  if (source.context) {
    if (kc.getContextObject(source.context) === null) {
      const known = kc.getContexts().map((c) => c.name);
      throw new CalicoClientError(
        "Config",
        `context "${source.context}" is not in ${origin} (known: ${known.join(", ") || "none"})`,
        {
          hint: "pass one of the known contexts as `context`, or leave it out for the current one",
        },
      );
    }
    kc.setCurrentContext(source.context);
  }
  const cluster = kc.getCurrentCluster();
  const fellBack =
    kc.getCurrentContext() === "loaded-context" && cluster?.server === "http://localhost:8080";
  if (cluster === null || fellBack || !cluster.server) {
    throw new CalicoClientError(
      "Config",
      `no Kubernetes cluster is configured (looked at ${origin}: ${
        fellBack
          ? "no $KUBECONFIG, no ~/.kube/config and not in a pod"
          : "the current context names no cluster"
      })`,
      {
        hint: "pass kubeconfigPath (or kubeConfig), set $KUBECONFIG, or write ~/.kube/config",
      },
    );
  }
  return kc;
}

/** `~/x` as kubectl's shell would give it: the home directory joined with `x`. */
function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? join(homedir(), path.slice(1)) : path;
}
