import { isRouteReflectorClusterId } from "@calicokit/types";
import * as z from "zod";
import { WorkflowError } from "./WorkflowError.js";

/**
 * Where a migration goes: `route-reflectors` (from the mesh), `mesh` (the way back, removing
 * only calicokit's objects) or `reflector-set` (a cluster on route reflectors gets a new RR set).
 */
export const MigrationTargetSchema = z.enum(["route-reflectors", "mesh", "reflector-set"]);
export type MigrationTarget = z.infer<typeof MigrationTargetSchema>;

const nodeName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
  message: "a Kubernetes node name (lower-case letters, digits, '-' and '.')",
});

/** What a caller asks for. Strict: an unknown field is an error, never ignored. */
export const MigrationRequestSchema = z.strictObject({
  to: MigrationTargetSchema,
  /** The route reflectors (`route-reflectors`), or the new full RR set (`reflector-set`). */
  rrNodes: z.array(nodeName).min(1).readonly().optional(),
  /** Or: how many; the planner picks Ready nodes spread over zones, deterministically. */
  rrCount: z.int().min(1).max(50).optional(),
  /** RouteReflectorClusterID shared by the RRs. Default `244.0.0.1`. */
  clusterId: z
    .string()
    .refine(isRouteReflectorClusterId, { message: "a plain dotted IPv4 such as 244.0.0.1" })
    .optional(),
  /** Allow fewer than 2 route reflectors (no redundancy). */
  allowSingleReflector: z.boolean().optional(),
  /** Allow all route reflectors in one zone. */
  allowSingleZone: z.boolean().optional(),
  /** Wait for an approval before the mesh is disabled. */
  requireApproval: z.boolean().optional(),
  /**
   * Drain the new route reflectors first (cordon, evict through the Eviction API honouring
   * PodDisruptionBudgets; DaemonSet and hostNetwork pods stay) and uncordon them at the end, so
   * no pod feels the short gap a node sees when it becomes a reflector.
   */
  drainReflectors: z.boolean().optional(),
  /**
   * calico-node's namespace: where it reads BGP password Secrets from and where its
   * ServiceAccount lives. Default `kube-system` (manifest installs, and calico-node's own default);
   * operator installs run it in `calico-system`.
   */
  calicoNodeNamespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
      message: "a Kubernetes namespace name (lower-case letters, digits and '-')",
    })
    .optional(),
  /** calico-node's ServiceAccount, whose right to read BGP password Secrets is checked. Default `calico-node`. */
  calicoNodeServiceAccount: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
      message: "a ServiceAccount name (lower-case letters, digits, '-' and '.')",
    })
    .optional(),
});
export type MigrationRequest = z.infer<typeof MigrationRequestSchema>;

/**
 * Names and values calicokit writes. Defaults follow Calico's documentation and the hand
 * procedure, so a cluster migrated by calicokit looks like one migrated by hand, plus our
 * ownership labels.
 */
export const migrationDefaults = {
  clusterId: "244.0.0.1",
  reflectorLabel: { key: "route-reflector", value: "true" },
  clientPeerName: "node-peer-to-rr",
  reflectorPeerName: "rr-to-rr-peer",
  namespace: "kube-system",
  calicoNode: { namespace: "kube-system", serviceAccount: "calico-node" },
} as const;

/** Labels on everything calicokit creates: how it recognises its own objects (R11, failure 14). */
export const ownershipLabels = {
  "app.kubernetes.io/managed-by": "calicokit",
  "calicokit.io/component": "route-reflection",
} as const;

/**
 * Checks a request: the field, what is wrong, how to fix it.
 *
 * @example
 * ```ts
 * import { parseMigrationRequest } from "@calicokit/workflows"
 * const request = parseMigrationRequest({ to: "route-reflectors", rrCount: 3 })
 * console.log(request.rrCount) // 3
 * ```
 */
export function parseMigrationRequest(input: unknown): MigrationRequest {
  const parsed = MigrationRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new WorkflowError("InvalidRequest", "the migration request is not valid", {
      reasons: parsed.error.issues.map(describeIssue),
    });
  }
  const request = parsed.data;
  const problems: string[] = [];
  if (request.to === "mesh") {
    for (const key of ["rrNodes", "rrCount", "clusterId"] as const) {
      if (request[key] !== undefined)
        problems.push(`${key}: not used when going to the mesh; remove it`);
    }
  } else if ((request.rrNodes === undefined) === (request.rrCount === undefined)) {
    problems.push("rrNodes / rrCount: give exactly one (the nodes to use, or how many to pick)");
  }
  if (request.to === "mesh" && request.drainReflectors !== undefined) {
    problems.push(
      "drainReflectors: only new route reflectors are drained; remove it when going to the mesh",
    );
  }
  if (request.to === "reflector-set" && request.rrCount !== undefined) {
    problems.push("rrCount: a reflector-set change needs the new set by name (rrNodes)");
  }
  if (request.rrNodes && new Set(request.rrNodes).size !== request.rrNodes.length) {
    problems.push("rrNodes: names a node twice; list each node once");
  }
  if (problems.length > 0) {
    throw new WorkflowError("InvalidRequest", "the migration request is not valid", {
      reasons: problems,
    });
  }
  return request;
}

/** `path: message` for one zod issue of a request or plan, with unknown keys named. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.join(".") || "(request)";
  if (issue.code === "unrecognized_keys") {
    return `${issue.keys.join(", ")}: unknown field${issue.keys.length > 1 ? "s" : ""}; remove ${issue.keys.length > 1 ? "them" : "it"}`;
  }
  return `${path}: ${issue.message}`;
}
