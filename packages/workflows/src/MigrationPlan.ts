import * as z from "zod";
import { describeIssue, MigrationRequestSchema } from "./MigrationRequest.js";
import { WorkflowError } from "./WorkflowError.js";

/** Where a cluster's BGP topology stands. */
export const ClusterTopologySchema = z.enum([
  "mesh",
  "route-reflectors",
  "half-way",
  "custom",
  "bgp-off",
]);
export type ClusterTopology = z.infer<typeof ClusterTopologySchema>;

/** The steps a migration is made of (their definitions are in MigrationSteps). */
export const StepIdSchema = z.enum([
  "ensure-bgp-configuration",
  "create-peers",
  "mark-route-reflectors",
  "verify-sessions",
  "approval",
  "disable-mesh",
  "verify-mesh-off",
  "enable-mesh",
  "verify-mesh-on",
  "unmark-route-reflectors",
  "delete-peers",
  "verify-final",
  "drain-reflectors",
  "uncordon-reflectors",
]);
export type StepId = z.infer<typeof StepIdSchema>;

/** One object change, with the state it was planned against (R6). */
export const PlannedChangeSchema = z.strictObject({
  step: StepIdSchema,
  kind: z.enum(["Node", "BGPPeer", "BGPConfiguration", "Pod"]),
  name: z.string(),
  action: z.enum(["create", "patch", "delete"]),
  /** The resourceVersion seen when planning; null when the object did not exist. */
  resourceVersion: z.string().nullable(),
  /** The part of the object the change touches, before and after. null: absent. */
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  why: z.string(),
});
export type PlannedChange = z.infer<typeof PlannedChangeSchema>;

export const PlannedReflectorSchema = z.strictObject({
  name: z.string(),
  zone: z.string().nullable(),
  ipv4: z.string().nullable(),
  ipv6: z.string().nullable(),
  /** Pods (namespace/name) on the node that would see its routes drop for a moment. */
  pods: z.array(z.string()),
});
export type PlannedReflector = z.infer<typeof PlannedReflectorSchema>;

/** A plan: what will change and why, made against one reading of the cluster. */
export const MigrationPlanSchema = z.strictObject({
  id: z.string().regex(/^mig-[a-z0-9-]{6,50}$/),
  request: MigrationRequestSchema,
  clusterId: z.string(),
  from: ClusterTopologySchema,
  to: ClusterTopologySchema,
  nothingToDo: z.boolean(),
  /** The route reflectors after the migration (empty when going to the mesh). */
  routeReflectors: z.array(PlannedReflectorSchema),
  /** Route reflectors before it (what a mesh or reflector-set migration un-marks). */
  previousReflectors: z.array(z.string()),
  /**
   * Whether a BGPPeer peers the reflectors with each other, after the migration and before it:
   * verification requires those sessions only then (plans journalled before these fields: yes).
   */
  reflectorsPeer: z.boolean().default(true),
  previousReflectorsPeer: z.boolean().default(true),
  /** Address families in use (each verified separately). */
  families: z.array(z.enum(["v4", "v6"])),
  nodeCount: z.int(),
  steps: z.array(z.strictObject({ id: StepIdSchema, title: z.string(), why: z.string() })),
  changes: z.array(PlannedChangeSchema),
  warnings: z.array(z.string()),
  /** Nodes whose own pods may see a short route gap, with the expected length. */
  expectedGaps: z.array(
    z.strictObject({
      node: z.string(),
      pods: z.array(z.string()),
      seconds: z.number(),
      why: z.string(),
    }),
  ),
  createdAt: z.string(),
});
export type MigrationPlan = z.infer<typeof MigrationPlanSchema>;

/**
 * Reads a plan (e.g. a `--plan plan.json` file): every field is checked; unknown ones are errors.
 *
 * @example
 * ```ts
 * import { parseMigrationPlan } from "@calicokit/workflows"
 * try { parseMigrationPlan({}) } catch (e) { console.log(String(e).split("\n")[0]) }
 * ```
 */
export function parseMigrationPlan(input: unknown): MigrationPlan {
  const parsed = MigrationPlanSchema.safeParse(input);
  if (!parsed.success) {
    throw new WorkflowError("InvalidRequest", "the migration plan is not valid", {
      reasons: parsed.error.issues.map(describeIssue),
    });
  }
  return parsed.data;
}

/** How many object writes applying the plan takes (journal and status objects aside). */
export function writesOf(plan: MigrationPlan): number {
  return plan.changes.length;
}
