import { CliError } from "./CliError.js";

/** The client property that serves a resource kind (nodes go through the Calico Node view). */
export type ResourceClientName =
  | "bgpConfigurations"
  | "bgpPeers"
  | "bgpFilters"
  | "ipPools"
  | "calicoNodeStatuses"
  | "nodes";

/** A resource kind as the command line names it. */
export interface ResourceName {
  /** The plural, as `get` prints it: `bgppeers`. */
  readonly plural: string;
  readonly kind: string;
  readonly client: ResourceClientName;
  /** Every other accepted spelling (singular, short names), lower case. */
  readonly aliases: readonly string[];
}

/** The kinds the resource commands work on (kubectl-style short names as aliases). */
export const resourceNames: readonly ResourceName[] = [
  {
    plural: "bgpconfigurations",
    kind: "BGPConfiguration",
    client: "bgpConfigurations",
    aliases: ["bgpconfiguration", "bgpconfig", "bgpconfigs"],
  },
  { plural: "bgppeers", kind: "BGPPeer", client: "bgpPeers", aliases: ["bgppeer", "bgpp"] },
  { plural: "bgpfilters", kind: "BGPFilter", client: "bgpFilters", aliases: ["bgpfilter"] },
  { plural: "ippools", kind: "IPPool", client: "ipPools", aliases: ["ippool", "pool", "pools"] },
  {
    plural: "caliconodestatuses",
    kind: "CalicoNodeStatus",
    client: "calicoNodeStatuses",
    aliases: ["caliconodestatus", "cns"],
  },
  { plural: "nodes", kind: "Node", client: "nodes", aliases: ["node", "no"] },
];

/** Every spelling of every kind, for completion. */
export const resourceWords: readonly string[] = resourceNames.flatMap((r) => [
  r.plural,
  ...r.aliases,
]);

/**
 * The resource a command-line word names (any case, plural, singular, short name or Kind).
 *
 * @example
 * ```ts
 * resourceName("bgpp").kind // "BGPPeer"
 * ```
 */
export function resourceName(word: string): ResourceName {
  const lower = word.toLowerCase();
  const found = resourceNames.find(
    (r) => r.plural === lower || r.kind.toLowerCase() === lower || r.aliases.includes(lower),
  );
  if (found === undefined) {
    throw new CliError(
      "Usage",
      `unknown resource type "${word}"`,
      `use one of ${resourceNames.map((r) => r.plural).join(", ")}`,
    );
  }
  return found;
}

/** The resource of a manifest's `kind`, or undefined when the CLI does not handle it. */
export function resourceOfKind(kind: string): ResourceName | undefined {
  return resourceNames.find((r) => r.kind === kind);
}
