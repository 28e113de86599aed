import type { KubeHttp } from "@calicokit/testkit";

/** Which nodes become route reflectors, and the cluster ID they share. */
export interface RouteReflectorChoice {
  readonly routeReflectors: readonly string[];
  /** RouteReflectorClusterID: a plain IPv4 address shared by all RRs. */
  readonly clusterId: string;
}

/** One of Calico's documented steps, numbered as the docs number them. */
export type ProcedureStep = 1 | 2 | 3 | 4;

/** What the procedure reports while it runs, for live progress. */
export type ProcedureEvent =
  | { readonly kind: "step"; readonly step: ProcedureStep; readonly title: string }
  | { readonly kind: "progress"; readonly step: ProcedureStep; readonly detail: string }
  | { readonly kind: "done"; readonly step: ProcedureStep; readonly ms: number };

export interface ProcedureOptions {
  readonly onEvent?: (event: ProcedureEvent) => void;
  /** How long step 3 may wait for the client <-> RR sessions. Default 60 s. */
  readonly sessionTimeoutMs?: number;
  /**
   * The API connection the procedure's requests go through (its reads, and its writes unless
   * `kubectl` is given). Default: the lab's admin connection; e.g. one through testkit's fault
   * proxy, whose request log then counts them.
   */
  readonly http?: KubeHttp;
  /**
   * Make the writes as an operator does: the documented commands with the real kubectl (built by
   * `make bootstrap`), one per action as Calico's docs list them: per reflector the cluster ID
   * (`kubectl annotate`), then the label (`kubectl label`); one `kubectl apply` for both
   * BGPPeers; `kubectl patch` for the mesh. They run at the pace of a script of those commands,
   * against the kubeconfig given (e.g. one for testkit's fault proxy). Without it each write is one
   * request through `http`, label and cluster ID in one patch per node as Calico's e2e test does:
   * faster than a script of commands, so calico-node may see all of step 1 and 2 in one reload.
   */
  readonly kubectl?: { readonly kubeconfigPath: string };
}
