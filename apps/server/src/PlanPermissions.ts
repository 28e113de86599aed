import type { Permission } from "./ClusterAuth.js";
import type { MigrationPlan } from "./internal/Workflows.js";

const resourceOf = { BGPPeer: "bgppeers", BGPConfiguration: "bgpconfigurations" } as const;

/**
 * The cluster permissions a caller must hold for the service to make a plan's writes on their
 * behalf: each change's own verb on the object it names, and the verb of its compensation (a
 * run rolls back what it created), so nobody gets the service to do what their RBAC forbids.
 *
 * @example
 * ```ts
 * import { planPermissions } from "@calicokit/server"
 * declare const plan: import("@calicokit/workflows").MigrationPlan
 * for (const p of planPermissions(plan, "projectcalico.org")) console.log(p.verb, p.resource, p.name)
 * ```
 */
export function planPermissions(plan: MigrationPlan, calicoGroup: string): Permission[] {
  const wanted = new Map<string, Permission>();
  for (const change of plan.changes) {
    const target =
      change.kind === "Node"
        ? { group: "", resource: "nodes" }
        : { group: calicoGroup, resource: resourceOf[change.kind] };
    // a created object is deleted on rollback; a deleted one re-created; patches are re-patched
    const verbs =
      change.action === "create"
        ? ["create", "delete"]
        : change.action === "delete"
          ? ["delete", "create"]
          : ["patch"];
    for (const verb of verbs) {
      // create is authorised on the collection: RBAC cannot restrict create by name
      const permission: Permission =
        verb === "create" ? { verb, ...target } : { verb, ...target, name: change.name };
      wanted.set(JSON.stringify(permission), permission);
    }
  }
  return [...wanted.values()];
}
