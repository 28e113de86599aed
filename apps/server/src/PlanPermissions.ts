import type { Permission } from "./ClusterAuth.js";
import { HttpProblem } from "./HttpProblem.js";
import type { MigrationPlan } from "./internal/Workflows.js";

/** The object a planned change writes, as RBAC names it. */
function targetOf(
  kind: string,
  name: string,
  calicoGroup: string,
): Omit<Permission, "verb"> & { readonly compensable: boolean } {
  switch (kind) {
    case "Node":
      return { group: "", resource: "nodes", name, compensable: true };
    case "BGPPeer":
      return { group: calicoGroup, resource: "bgppeers", name, compensable: true };
    case "BGPConfiguration":
      return { group: calicoGroup, resource: "bgpconfigurations", name, compensable: true };
    case "Pod": {
      // evicted through the Eviction API (`namespace/name`); an eviction is not undone
      const [namespace, pod] = name.includes("/") ? name.split("/", 2) : [undefined, name];
      return {
        group: "",
        resource: "pods",
        subresource: "eviction",
        name: pod as string,
        ...(namespace === undefined ? {} : { namespace }),
        compensable: false,
      };
    }
    default:
      // a kind this server does not know how to authorise is never written on a caller's behalf
      throw new HttpProblem(
        "internal",
        `the plan writes a ${kind}, which this server cannot authorise: upgrade calicokit-server`,
      );
  }
}

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
    const { compensable, ...target } = targetOf(change.kind as string, change.name, calicoGroup);
    const action = target.subresource === "eviction" ? "create" : change.action;
    // a created object is deleted on rollback, a deleted one re-created; patches are re-patched
    const verbs =
      !compensable || action === "patch"
        ? [action]
        : action === "create"
          ? ["create", "delete"]
          : ["delete", "create"];
    for (const verb of verbs) {
      // RBAC cannot limit create by name (the object does not exist yet): ask for the collection
      const { name, ...collection } = target;
      const permission: Permission =
        verb === "create" && target.subresource === undefined
          ? { verb, ...collection }
          : { verb, ...target };
      wanted.set(JSON.stringify(permission), permission);
    }
  }
  return [...wanted.values()];
}
