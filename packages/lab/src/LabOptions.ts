import type { LabCalicoApi } from "./internal/LabObjects.js";

/** What `Lab.up` takes. Unknown keys and missing required ones are refused (`InvalidOptions`). */
export interface LabOptions {
  /** Scopes everything the lab creates (namespaces, temp dir); `[a-z0-9-]`, at most 30 chars. */
  readonly name: string;
  /** Number of nodes (1..240), named `node-1` ... */
  readonly nodes: number;
  /** Zone names assigned round-robin, or how many zones (`zone-a`, `zone-b`, ...). Default 1. */
  readonly zones?: number | readonly string[];
  /** Creates the `default` BGPConfiguration with this AS; without it there is none (AS 64512). */
  readonly asNumber?: number;
  /** Also give nodes IPv6 addresses, an IPv6 pool and blocks; bird6 then runs BGP too. */
  readonly ipv6?: boolean;
  /** Which Calico API group the control plane serves and the agent reads. */
  readonly calicoApi: LabCalicoApi;
  /** Watch kernel routes to every other node's block (default true). */
  readonly routeProbe?: boolean;
  /** Parent of the lab's temp dir (default: the OS temp dir). */
  readonly workDir?: string;
}

/** Options of `lab.addNode`. */
export interface AddNodeOptions {
  readonly zone?: string;
  readonly labels?: Readonly<Record<string, string>>;
}
