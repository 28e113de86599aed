import type { AnyCalicoClientError } from "@calicokit/client";
import type { BgpPeer } from "@calicokit/types";
import * as Effect from "effect/Effect";
import * as Schedule from "effect/Schedule";
import { observeUntil } from "./BgpObservation.js";
import { CalicoApi } from "./CalicoApi.js";
import { type SnapshotNode, snapshotNode } from "./ClusterSnapshot.js";
import type { MigrationPlan, PlannedChange, StepId } from "./MigrationPlan.js";
import { migrationDefaults, ownershipLabels } from "./MigrationRequest.js";
import { workloadPods } from "./Planner.js";
import { chooseReflectors } from "./ReflectorChoice.js";
import {
  type BgpObservation,
  bothVerdicts,
  type CheckedNode,
  meshComplete,
  meshGone,
  reflectorCoverage,
  type Verdict,
} from "./SessionCheck.js";
import { type AnyWorkflowError, WorkflowError } from "./WorkflowError.js";

/** What a step program may fail with. */
export type StepFailure = AnyWorkflowError | AnyCalicoClientError;

/** What a step needs from the run that executes it. */
export interface StepContext {
  readonly plan: MigrationPlan;
  readonly verifyTimeoutMs: number;
  readonly progress: (step: StepId, verdict: Verdict) => Effect.Effect<void, never, CalicoApi>;
  /** Reports a degraded run (phase Degraded, a `degraded` event naming who lacks which reflector). */
  readonly degraded: (step: StepId, verdict: Verdict) => Effect.Effect<void, never, CalicoApi>;
  /** Resolves once the run is approved; fails when it is cancelled or the wait times out. */
  readonly approval: Effect.Effect<void, StepFailure, CalicoApi>;
}

/**
 * One step: `apply` is check-then-act (it reads, writes only what differs, and is safe to run
 * again after a crash), `compensate` undoes it from the journalled original values and is
 * idempotent too. Verification steps have no compensation.
 */
export interface StepProgram {
  readonly apply: Effect.Effect<void, StepFailure, CalicoApi>;
  readonly compensate?: Effect.Effect<void, StepFailure, CalicoApi>;
}

interface NodeMarks {
  readonly label: string | null;
  readonly clusterId: string | null;
}

function isOurs(labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(ownershipLabels).every(([k, v]) => labels?.[k] === v);
}

const findConfig = Effect.gen(function* () {
  const api = yield* CalicoApi;
  return yield* api
    .call((signal) => api.client.bgpConfigurations.get("default", { signal }))
    .pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)));
});

const findPeer = (name: string) =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    return yield* api
      .call((signal) => api.client.bgpPeers.get(name, { signal }))
      .pipe(Effect.catchTag("NotFound", () => Effect.succeed(undefined)));
  });

const createDefaultConfig = Effect.gen(function* () {
  const api = yield* CalicoApi;
  if ((yield* findConfig) !== undefined) return;
  yield* api.call((signal) =>
    api.client.bgpConfigurations.create(
      {
        apiVersion: "projectcalico.org/v3",
        kind: "BGPConfiguration",
        metadata: { name: "default", labels: { ...ownershipLabels } },
        spec: { nodeToNodeMeshEnabled: true },
      },
      { signal },
    ),
  );
});

const deleteOurConfig = Effect.gen(function* () {
  const api = yield* CalicoApi;
  const config = yield* findConfig;
  if (config === undefined || !isOurs(config.metadata.labels)) return;
  yield* api
    .call((signal) =>
      api.client.bgpConfigurations.delete("default", {
        signal,
        ...(config.metadata.uid ? { uid: config.metadata.uid } : {}),
      }),
    )
    .pipe(Effect.catchTag("NotFound", () => Effect.void));
});

/**
 * Brings BGPConfiguration `default`'s mesh fields to `wanted`: nodeToNodeMeshEnabled and, when
 * the plan moves them, nodeMeshPassword and nodeMeshMaxRestartTime (null removes a field; a
 * removed nodeToNodeMeshEnabled is Calico's default "on"). One patch, so the mesh and its
 * password never disagree with Calico's rule that a password needs the mesh on.
 */
const setMesh = (wanted: Readonly<Record<string, unknown>>) =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    const config = yield* findConfig;
    if (config === undefined) {
      if (wanted.nodeToNodeMeshEnabled !== false) return; // absent means the mesh is on
      return yield* Effect.fail(
        new WorkflowError(
          "VerificationFailed",
          "BGPConfiguration default disappeared during the run",
        ),
      );
    }
    const spec: Record<string, unknown> = { ...config.spec };
    const differs = Object.entries(wanted).some(
      ([field, value]) => JSON.stringify(spec[field] ?? null) !== JSON.stringify(value),
    );
    if (!differs) return;
    yield* api.call((signal) =>
      api.client.bgpConfigurations.patch("default", { spec: wanted }, { signal }),
    );
  });

const createPeer = (change: PlannedChange, from: "after" | "before") =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    const existing = yield* findPeer(change.name);
    const wanted = change[from] as { spec: BgpPeer["spec"]; labels: Record<string, string> };
    if (existing !== undefined) {
      if (isOurs(existing.metadata.labels)) return;
      return yield* Effect.fail(
        new WorkflowError(
          "PlanRefused",
          `BGPPeer ${change.name} was created by someone else during the run: calicokit does not adopt it`,
        ),
      );
    }
    yield* api.call((signal) =>
      api.client.bgpPeers.create(
        {
          apiVersion: "projectcalico.org/v3",
          kind: "BGPPeer",
          metadata: { name: change.name, labels: wanted.labels },
          spec: wanted.spec,
        },
        { signal },
      ),
    );
  });

const deleteOurPeer = (name: string) =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    const existing = yield* findPeer(name);
    if (existing === undefined || !isOurs(existing.metadata.labels)) return;
    yield* api
      .call((signal) =>
        api.client.bgpPeers.delete(name, {
          signal,
          ...(existing.metadata.uid ? { uid: existing.metadata.uid } : {}),
        }),
      )
      .pipe(Effect.catchTag("NotFound", () => Effect.void));
  });

/** Brings a node's route-reflector label and cluster ID to `marks` (small, 409-safe patches). */
const markNode = (name: string, marks: NodeMarks) =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    const { key, value } = migrationDefaults.reflectorLabel;
    if (marks.clusterId === null) {
      yield* api.call((signal) =>
        api.client.nodes.clearRouteReflector(name, { signal, labelKey: key }),
      );
    } else {
      yield* api.call((signal) =>
        api.client.nodes.setRouteReflector(name, {
          signal,
          clusterId: marks.clusterId as string,
          label: { key, value: marks.label ?? value },
        }),
      );
    }
  });

/**
 * All of a step's node changes at once: reflectors are marked in one burst, so calico-node
 * configures each of their new sessions once (a reflector marked before another renders it as an
 * `rr client`, then restarts that session when the other's cluster ID arrives). Undoing skips a
 * node deleted since (scenario 11): nothing of it is left to restore, and the rollback must go on.
 */
const markNodes = (changes: readonly PlannedChange[], to: "after" | "before") =>
  Effect.forEach(
    changes,
    (c) => {
      const mark = markNode(c.name, c[to] as unknown as NodeMarks);
      return to === "before" ? mark.pipe(Effect.catchTag("NotFound", () => Effect.void)) : mark;
    },
    { concurrency: "unbounded", discard: true },
  );

/** Cordons (or uncordons) each node of the changes to their `to` side's `unschedulable`. */
const cordonNodes = (changes: readonly PlannedChange[], to: "after" | "before") =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    yield* Effect.forEach(
      changes.filter((c) => c.kind === "Node"),
      (c) =>
        api.call((signal) =>
          api.client.drain.cordon(c.name, c[to]?.unschedulable === true, { signal }),
        ),
      { concurrency: "unbounded", discard: true },
    );
  });

/**
 * Cordons the nodes, then evicts every workload pod on them as it is now (not as planned: pods
 * come and go), and waits until none is left or the deadline passes.
 */
const drainNodes = (changes: readonly PlannedChange[], timeoutMs: number) =>
  Effect.gen(function* () {
    const api = yield* CalicoApi;
    yield* cordonNodes(changes, "after");
    const nodes = new Set(changes.filter((c) => c.kind === "Node").map((c) => c.name));
    const remaining = api
      .call((signal) => api.client.pods.list({ signal }))
      .pipe(
        Effect.map((pods) =>
          pods.filter(
            (p) =>
              nodes.has(p.node) &&
              (workloadPods([p], { evictable: true }).get(p.node) ?? []).length > 0,
          ),
        ),
      );
    yield* remaining.pipe(
      Effect.tap((pods) =>
        Effect.forEach(
          pods,
          (p) => api.call((signal) => api.client.drain.evict(p.namespace, p.name, { signal })),
          { concurrency: 5, discard: true },
        ),
      ),
      Effect.repeat({ schedule: Schedule.spaced("1 second"), until: (pods) => pods.length === 0 }),
      Effect.timeoutOrElse({
        duration: timeoutMs,
        orElse: () =>
          Effect.fail(
            new WorkflowError(
              "VerificationFailed",
              `pods on ${[...nodes].join(", ")} were not evicted in time (a PodDisruptionBudget may forbid it)`,
            ),
          ),
      }),
    );
  });

const liveNodes = Effect.gen(function* () {
  const api = yield* CalicoApi;
  return yield* api.call(async (signal) => {
    const nodes: SnapshotNode[] = [];
    for await (const view of api.client.nodes.list({ signal })) {
      nodes.push(snapshotNode(view, migrationDefaults.reflectorLabel.key));
    }
    return nodes;
  });
});

/** Up to three clients spread over zones: they confirm the reflectors' view from their side. */
function sample(nodes: readonly SnapshotNode[]): SnapshotNode[] {
  return chooseReflectors(nodes, 3, new Map());
}

/**
 * The nodes a reflector check is about, read live: a node that joined since the plan is a client
 * too (scenario 10). Before the mesh is off, a reflector that is gone or NotReady fails the step
 * (scenario 11: the mesh must stay on). After it, the check goes on without it: a deleted
 * reflector is `gone` (every session with it counts as down: the run is degraded at best), a
 * NotReady one is still observed (its BIRD may serve; its own report decides).
 */
function reflectorScope(
  plan: MigrationPlan,
  reflectorNames: readonly string[],
  options: { readonly leavingAreClients: boolean; readonly afterMeshOff: boolean },
) {
  return Effect.gen(function* () {
    const nodes = yield* liveNodes;
    const live = reflectorNames.map((name) => nodes.find((n) => n.name === name));
    const missing = reflectorNames.filter((_, i) => !live[i]?.ready);
    if (missing.length > 0 && !options.afterMeshOff) {
      return yield* Effect.fail(
        new WorkflowError(
          "VerificationFailed",
          `route reflector(s) ${missing.join(", ")} deleted or NotReady: ${plan.request.to === "reflector-set" ? "the reflector set must not change now" : "the mesh must stay on"}`,
        ),
      );
    }
    const gone = reflectorNames.filter((_, i) => live[i] === undefined);
    const reflectors: CheckedNode[] = reflectorNames.map(
      (name, i) =>
        live[i] ??
        plan.routeReflectors.find((rr) => rr.name === name) ?? { name, ipv4: null, ipv6: null },
    );
    // reflectors that are still marked but leave the set are neither clients nor counted; once
    // unmarked they are clients whose sessions restart: settling, waited for
    const leaving = plan.previousReflectors.filter((name) => !reflectorNames.includes(name));
    const clients = nodes.filter(
      (n) =>
        !reflectorNames.includes(n.name) &&
        (options.leavingAreClients || !leaving.includes(n.name)),
    );
    return { reflectors, gone, clients, settling: options.leavingAreClients ? leaving : [] };
  });
}

/**
 * Every client Established to min(2, reflectors) reflectors and, where a BGPPeer peers them, the
 * reflectors with each other; of the `planned` reflectors or the `previous` ones. `afterMeshOff`
 * (the verification after the mesh switch, and the last one of a reflector-set change, whose
 * mesh was off all along; scenario 11): the reflectors are all the clients have, so the verdict's
 * standing decides at once: a client with none fails the step (its traffic is being dropped:
 * roll back); a degraded run (each client on at least one) is reported and waited out, never
 * passed, until healthy or the deadline.
 */
function coverageCheck(
  context: StepContext,
  step: StepId,
  set: "planned" | "previous",
  options: {
    readonly leavingAreClients?: boolean;
    readonly afterMeshOff?: boolean;
    readonly extra?: (observed: readonly string[]) => (o: BgpObservation) => Verdict;
  } = {},
) {
  return Effect.gen(function* () {
    const { plan } = context;
    const reflectorNames =
      set === "planned" ? plan.routeReflectors.map((r) => r.name) : plan.previousReflectors;
    const afterMeshOff = options.afterMeshOff === true;
    const { reflectors, gone, clients, settling } = yield* reflectorScope(plan, reflectorNames, {
      leavingAreClients: options.leavingAreClients === true,
      afterMeshOff,
    });
    const sampled = sample(clients);
    const observed = [...reflectors.filter((rr) => !gone.includes(rr.name)), ...sampled].map(
      (n) => n.name,
    );
    const coverage = (o: BgpObservation) =>
      reflectorCoverage(o, {
        reflectors,
        clients,
        sampledClients: sampled,
        families: plan.families,
        // as many as planned: a reflector deleted since does not lower the bar
        min: Math.min(2, reflectorNames.length),
        reflectorsPeer: set === "planned" ? plan.reflectorsPeer : plan.previousReflectorsPeer,
        gone,
        settling,
      });
    const more = options.extra?.(observed);
    const react = (verdict: Verdict) => {
      if (!afterMeshOff || verdict.standing === "met" || verdict.standing === "waiting") {
        return context.progress(step, verdict);
      }
      if (verdict.standing === "degraded") return context.degraded(step, verdict);
      const lost = verdict.short
        .filter((s) => s.role === "client" && s.established === 0)
        .map((s) => `${s.node} (${s.family})`);
      return Effect.fail(
        new WorkflowError(
          "VerificationFailed",
          `with the mesh off, ${lost.slice(0, 8).join(", ")}${lost.length > 8 ? ", ..." : ""} ${lost.length === 1 ? "has" : "have"} no Established route reflector: its traffic is being dropped (${verdict.detail})`,
          { runId: plan.id },
        ),
      );
    };
    yield* observeUntil(
      {
        runId: plan.id,
        nodes: observed,
        timeoutMs: context.verifyTimeoutMs,
        onProgress: react,
      },
      more === undefined ? coverage : (o) => bothVerdicts(more(o), coverage(o)),
    );
  });
}

function meshCheck(
  context: StepContext,
  step: StepId,
  members: (nodes: SnapshotNode[]) => SnapshotNode[],
  alsoObserve: readonly string[],
) {
  return Effect.gen(function* () {
    const { plan } = context;
    const meshMembers = members(yield* liveNodes);
    const observed: CheckedNode[] = [
      ...meshMembers.filter((n) => alsoObserve.includes(n.name)),
      ...sample(meshMembers.filter((n) => !alsoObserve.includes(n.name))),
    ];
    yield* observeUntil(
      {
        runId: plan.id,
        nodes: observed.map((n) => n.name),
        timeoutMs: context.verifyTimeoutMs,
        onProgress: (v) => context.progress(step, v),
      },
      (o) => meshComplete(o, { observed, members: meshMembers, families: plan.families }),
    );
  });
}

/**
 * Verifies the state the run started from after a rollback (scenario 20): the full mesh for a
 * run that left the mesh, the previous reflectors' coverage otherwise.
 */
export function verifyRestored(context: StepContext): Effect.Effect<void, StepFailure, CalicoApi> {
  const { plan } = context;
  if (plan.from === "mesh") {
    return meshCheck(context, "verify-final", (nodes) => nodes, []);
  }
  return coverageCheck(context, "verify-final", "previous");
}

/** The program of one step of `context.plan`. */
export function stepProgram(id: StepId, context: StepContext): StepProgram {
  const { plan } = context;
  const changes = plan.changes.filter((c) => c.step === id);
  switch (id) {
    case "ensure-bgp-configuration":
      return { apply: createDefaultConfig, compensate: deleteOurConfig };
    case "create-peers":
      return {
        apply: Effect.forEach(changes, (c) => createPeer(c, "after"), { discard: true }),
        compensate: Effect.forEach(changes, (c) => deleteOurPeer(c.name), { discard: true }),
      };
    case "delete-peers":
      return {
        apply: Effect.forEach(changes, (c) => deleteOurPeer(c.name), { discard: true }),
        compensate: Effect.forEach(changes, (c) => createPeer(c, "before"), { discard: true }),
      };
    case "mark-route-reflectors":
    case "unmark-route-reflectors": {
      const marked = markNodes(changes, "after");
      // In a reflector-set change a reflector leaves only once every client is Established to
      // two that stay, checked live: a removal plans no verify-sessions, and an earlier one may
      // have counted a session to the reflector that now leaves.
      const leavesReflectors =
        id === "unmark-route-reflectors" && plan.request.to === "reflector-set";
      return {
        apply: leavesReflectors
          ? Effect.andThen(coverageCheck(context, id, "planned"), marked)
          : marked,
        compensate: markNodes(changes, "before"),
      };
    }
    case "disable-mesh":
    case "enable-mesh": {
      const change = changes[0];
      const switched = setMesh(change?.after ?? {});
      return {
        // The mesh goes off only over coverage checked right now, on the live node set: an
        // approval wait or a slow verify leaves time for a node to join (scenario 10) or a
        // reflector to go NotReady or away (scenario 11) after verify-sessions passed.
        apply:
          id === "disable-mesh"
            ? Effect.andThen(coverageCheck(context, id, "planned"), switched)
            : switched,
        compensate: setMesh(change?.before ?? {}),
      };
    }
    case "verify-sessions":
      return { apply: coverageCheck(context, id, "planned") };
    case "verify-mesh-off":
      return {
        apply: coverageCheck(context, id, "planned", {
          afterMeshOff: true,
          extra: (observed) => (o) => meshGone(o, observed),
        }),
      };
    case "verify-mesh-on":
      return {
        apply: meshCheck(
          context,
          id,
          (nodes) => nodes.filter((n) => !plan.previousReflectors.includes(n.name)),
          [],
        ),
      };
    case "verify-final":
      return plan.request.to === "mesh"
        ? { apply: meshCheck(context, id, (nodes) => nodes, plan.previousReflectors) }
        : {
            // a reflector-set change: the mesh is off, so a shortfall is reported as Degraded, as
            // after the mesh switch
            apply: coverageCheck(context, id, "planned", {
              leavingAreClients: true,
              afterMeshOff: true,
            }),
          };
    case "approval":
      return { apply: context.approval };
    case "drain-reflectors":
      return {
        apply: drainNodes(changes, context.verifyTimeoutMs),
        compensate: cordonNodes(changes, "before"),
      };
    case "uncordon-reflectors":
      return { apply: cordonNodes(changes, "after"), compensate: cordonNodes(changes, "before") };
  }
}
