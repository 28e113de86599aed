import type { StepId } from "../MigrationPlan.js";

/** What a step is, why it is there, what can go wrong and what undoes it: the runbook's source. */
export interface StepDefinition {
  readonly id: StepId;
  readonly title: string;
  readonly why: string;
  readonly risk: string;
  readonly undo: string;
  /** For steps without object changes (verification, approval): whether the plan needs them. */
  readonly whenPlanned?: (changed: ReadonlySet<StepId>, approval: boolean) => boolean;
}

/** Every step, in the order a run executes them (each migration uses a subsequence). */
export const stepDefinitions: readonly StepDefinition[] = [
  {
    id: "ensure-bgp-configuration",
    title: "create BGPConfiguration default with the mesh explicitly on",
    why: "Calico runs the mesh by default when BGPConfiguration default is absent; making it explicit turns the later mesh switch into one small patch",
    risk: "none for traffic (the mesh stays on)",
    undo: "delete the BGPConfiguration calicokit created",
  },
  {
    id: "create-peers",
    title: "create the BGPPeers clients -> reflectors and reflector <-> reflector",
    why: "the peerings exist before any node becomes a reflector, so sessions form as soon as reflectors are marked",
    risk: "a foreign BGPPeer with the same name is never adopted: the step fails and rolls back",
    undo: "delete the BGPPeers calicokit created (by uid, only with its ownership labels)",
  },
  {
    id: "enable-mesh",
    title: "turn the node-to-node mesh back on",
    why: "clients re-form the mesh while the reflectors still serve them, so no client loses a route",
    risk: "a node whose BIRD does not follow keeps only its reflector sessions; verify-mesh-on catches it",
    undo: "turn the mesh off again",
  },
  {
    id: "verify-mesh-on",
    title: "wait until the clients' mesh sessions are Established",
    why: "each node's own BGP state (CalicoNodeStatus), not the API object, says the mesh is back (failure 6)",
    risk: "times out if a node's BIRD does not re-form the mesh: the run rolls back",
    undo: "nothing to undo (read-only)",
    whenPlanned: (changed) => changed.has("enable-mesh"),
  },
  {
    id: "drain-reflectors",
    title: "cordon the new route reflectors and evict their pods (opt-in)",
    why: "a node that becomes a reflector loses its own routes for about BIRD's connect delay; with no workload on it, no pod feels that",
    risk: "a PodDisruptionBudget can hold an eviction until the step's deadline: the run then rolls back and uncordons",
    undo: "uncordon the nodes (evicted pods are rescheduled by their controllers, as after kubectl drain)",
  },
  {
    id: "mark-route-reflectors",
    title: "label the route reflectors and set their cluster ID, all in one burst",
    why: "a cluster ID takes the node out of the mesh at once; with the BGPPeers already in place and every reflector marked together, each new session (client-reflector and reflector-reflector) is configured once, in one reload, and no reflector is ever without peers (marked 1.5 s apart, the earlier reflectors restarted their sessions to the later ones)",
    risk: "every new session needs BIRD's connect delay (1-2 s) to form, so each reflector's own routes drop meanwhile: pods on it feel it; when both ends of a session connect at the same moment (a BGP connection collision) every retry adds 2 s, tens of seconds on a loaded machine",
    undo: "restore each node's previous label and cluster-ID annotation (journalled)",
  },
  {
    id: "verify-sessions",
    title:
      "wait until every client is Established to at least two reflectors, and every reflector to the others, per address family",
    why: "disabling the mesh before replacement sessions are up black-holes pod traffic (failure 1); the reflectors' sessions with each other carry their own routes, read from their own reports (cost grows with the reflector count)",
    risk: "times out when a reflector's BIRD is down or TCP/179 is blocked (also between two reflectors only): the mesh stays on and the run rolls back",
    undo: "nothing to undo (read-only); the temporary CalicoNodeStatus objects are deleted",
    // also when a half-done migration only has the mesh switch left: never switch unverified
    whenPlanned: (changed) => changed.has("mark-route-reflectors") || changed.has("disable-mesh"),
  },
  {
    id: "approval",
    title: "wait for approval before the mesh is disabled",
    why: "the mesh switch is the one step that can black-hole traffic cluster-wide (R9)",
    risk: "none while waiting; a cancel rolls back",
    undo: "nothing to undo",
    whenPlanned: (changed, approval) => approval && changed.has("disable-mesh"),
  },
  {
    id: "disable-mesh",
    title: "turn the node-to-node mesh off",
    why: "every client is Established to the reflectors, so the mesh sessions are redundant; right before the write this is checked again on the live node set (a node that joined, a reflector gone NotReady since verify-sessions)",
    risk: "that check fails when a client lacks two reflectors or a reflector is gone: the mesh stays on and the run rolls back; a node whose BIRD does not follow the switch keeps mesh sessions, verify-mesh-off catches it",
    undo: "restore nodeToNodeMeshEnabled to its previous value",
  },
  {
    id: "verify-mesh-off",
    title:
      "wait until no node has a mesh session, clients still reach two reflectors and the reflectors each other",
    why: "each node's actual peer list must follow the switch (failures 6, 7); with the mesh off the reflectors are all a client has, so this check also says how bad a shortfall is (scenario 11)",
    risk: "a client with no Established reflector in a family fails the step at once (its traffic is being dropped) and the run rolls back, the mesh back on; a client on fewer reflectors than wanted (but at least one), a reflector short of another or deleted, makes the run Degraded: a `degraded` event names who lacks which reflector, and the run waits, never succeeding while degraded, until healthy (then it succeeds) or the deadline (then it rolls back); a node that keeps its mesh sessions times out: the run rolls back",
    undo: "nothing to undo (read-only)",
    whenPlanned: (changed) => changed.has("disable-mesh"),
  },
  {
    id: "unmark-route-reflectors",
    title: "remove the route-reflector label and cluster ID from the leaving reflectors",
    why: "without a cluster ID the node joins the mesh (or stops serving the new reflector set); in a reflector-set change only after a live check that every client is Established to two reflectors that stay",
    risk: "the node's own routes drop for about BIRD's connect delay while its sessions change",
    undo: "restore the node's label and cluster-ID annotation",
  },
  {
    id: "verify-final",
    title: "verify the final BGP state from the nodes themselves",
    why: "the end state is proven from BIRD's sessions, not from the API objects",
    risk: "times out if a node does not follow: the run rolls back",
    undo: "nothing to undo (read-only)",
    whenPlanned: (changed) => changed.has("unmark-route-reflectors"),
  },
  {
    id: "delete-peers",
    title: "delete calicokit's route-reflector BGPPeers",
    why: "they select no reflector any more; other BGPPeers are left alone",
    risk: "none: no node is a reflector any more",
    undo: "recreate them as they were (journalled spec and labels)",
  },
  {
    id: "uncordon-reflectors",
    title: "uncordon the drained route reflectors",
    why: "the gap is over; the nodes take workloads again",
    risk: "none",
    undo: "cordon them again (a rollback then uncordons them when it undoes the drain)",
  },
];

/** The definition of one step. */
export function stepDefinition(id: StepId): StepDefinition {
  const found = stepDefinitions.find((d) => d.id === id);
  if (found === undefined) throw new Error(`unknown step ${id}`);
  return found;
}
