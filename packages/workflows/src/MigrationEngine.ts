import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { AnyCalicoClientError } from "@calicokit/client";
import * as Cause from "effect/Cause";
import * as Deferred from "effect/Deferred";
import * as Effect from "effect/Effect";
import * as Exit from "effect/Exit";
import * as Schedule from "effect/Schedule";
import { sweepStatuses } from "./BgpObservation.js";
import type { CalicoApi } from "./CalicoApi.js";
import { readClusterSnapshot } from "./ClusterSnapshot.js";
import { stepDefinition } from "./internal/StepCatalog.js";
import { type JournalEntry, MigrationJournal } from "./MigrationJournal.js";
import { acquireMigrationLock } from "./MigrationLock.js";
import type { MigrationPlan, StepId } from "./MigrationPlan.js";
import type {
  MigrationEvent,
  MigrationEventBody,
  MigrationPhase,
  MigrationRecord,
  StepRecord,
  StepState,
} from "./MigrationRecord.js";
import {
  type MigrationRequest,
  migrationDefaults,
  parseMigrationRequest,
} from "./MigrationRequest.js";
import { type StepContext, stepProgram, verifyRestored } from "./MigrationSteps.js";
import { planDrift, planFromSnapshot } from "./Planner.js";
import { lackingReflectors, type Verdict } from "./SessionCheck.js";
import { type AnyWorkflowError, WorkflowError } from "./WorkflowError.js";

/** How a run behaves; every field has a default. */
export interface RunSettings {
  /** Where journals and the Lease live. Default `kube-system`. */
  readonly namespace: string;
  /** Recorded in the journal: who asked for the run. */
  readonly startedBy: string;
  readonly onEvent: (event: MigrationEvent) => void;
  /** Abort = cancel = roll back. */
  readonly signal: AbortSignal | undefined;
  /**
   * Abort = stop without undoing (a shutdown): the write step under way finishes and is
   * journalled, a verification or approval wait ends, the Lease is released, and the run is left
   * to be resumed.
   */
  readonly stop: AbortSignal | undefined;
  /** Lease duration; a crashed runner's Lease expires after it. Default 30 s. */
  readonly leaseSeconds: number;
  /** How long to wait for another holder's Lease (0: fail at once with LockHeld). Default 0. */
  readonly lockWaitMs: number;
  /** Deadline of each verification step (R8). Default 120 s. */
  readonly verifyTimeoutMs: number;
  /** How long the approval gate waits before the run rolls back. Default 1 h. */
  readonly approvalTimeoutMs: number;
}

export const defaultRunSettings: Omit<RunSettings, "startedBy" | "signal" | "stop" | "onEvent"> = {
  namespace: migrationDefaults.namespace,
  leaseSeconds: 30,
  lockWaitMs: 0,
  verifyTimeoutMs: 120_000,
  approvalTimeoutMs: 3_600_000,
};

type Failure = AnyWorkflowError | AnyCalicoClientError;

/** A new run id: sortable by time, unique. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:T]/g, "").toLowerCase();
  return `mig-${stamp}-${randomBytes(3).toString("hex")}`;
}

/** Reads the cluster and plans (no writes). */
export function planMigrationEffect(
  input: MigrationRequest | unknown,
): Effect.Effect<MigrationPlan, Failure, CalicoApi> {
  return Effect.gen(function* () {
    const request = yield* Effect.try({
      try: () => parseMigrationRequest(input),
      catch: (e) => e as WorkflowError,
    });
    const snapshot = yield* readClusterSnapshot(request);
    const now = new Date();
    return yield* Effect.try({
      try: () => planFromSnapshot(snapshot, request, { id: newRunId(now), now }),
      catch: (e) => e as WorkflowError,
    });
  });
}

function stepsOf(plan: MigrationPlan): StepRecord[] {
  return plan.steps.map((s) => ({ id: s.id, title: s.title, state: "pending" }));
}

function withStep(
  record: MigrationRecord,
  id: StepId,
  state: StepState,
  detail?: string,
): MigrationRecord {
  const now = new Date().toISOString();
  return {
    ...record,
    steps: record.steps.map((s) =>
      s.id !== id
        ? s
        : {
            ...s,
            state,
            ...(state === "running" || state === "compensating"
              ? { startedAt: now }
              : { endedAt: now }),
            ...(detail === undefined ? {} : { detail }),
          },
    ),
  };
}

/** The phase a forward step runs in. */
function phaseOf(id: StepId): MigrationPhase {
  if (id === "approval") return "AwaitingApproval";
  return id.startsWith("verify-") ? "Verifying" : "Applying";
}

/** One run in progress: its journal, settings and the events it reports. */
class Run {
  private lastSeq: number;
  private lastProgressAt = 0;
  private lastFigures = "";
  private lastDegradedAt = 0;
  private lastLacking = "";

  constructor(
    private readonly journal: MigrationJournal,
    private entry: JournalEntry,
    readonly settings: RunSettings,
  ) {
    this.lastSeq = entry.events.at(-1)?.seq ?? 0;
  }

  get record(): MigrationRecord {
    return this.entry.record;
  }

  /** Journals a change and its events, then reports the events (R1: before and after acting). */
  note(
    change: (record: MigrationRecord) => MigrationRecord,
    events: readonly MigrationEventBody[] = [],
  ): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
    return this.journal.update(this.record.id, change, events).pipe(
      Effect.map((entry) => {
        this.entry = entry;
        for (const event of entry.events) {
          if (event.seq > this.lastSeq) this.settings.onEvent(event);
        }
        this.lastSeq = entry.events.at(-1)?.seq ?? this.lastSeq;
        return entry.record;
      }),
    );
  }

  /**
   * Journals verification progress: a change at most once a second unless it is the final figure
   * (the observation offers the current verdict again every second, so the latest is journalled).
   */
  progress(step: StepId, verdict: Verdict): Effect.Effect<void, never, CalicoApi> {
    const now = Date.now();
    const figures = `${step} ${verdict.established}/${verdict.wanted} ${verdict.detail}`;
    if (!verdict.done && (figures === this.lastFigures || now - this.lastProgressAt < 1000)) {
      return Effect.void;
    }
    this.lastProgressAt = now;
    this.lastFigures = figures;
    return this.note(
      (r) => ({ ...r, sessions: { established: verdict.established, wanted: verdict.wanted } }),
      [
        {
          type: "step-progress",
          step,
          detail: verdict.detail,
          established: verdict.established,
          wanted: verdict.wanted,
        },
      ],
    ).pipe(Effect.ignore);
  }

  /**
   * Journals a degraded run: entering the phase at once; while degraded, a change of who lacks
   * which reflector at most once a second (the same list is not written again; the observation
   * offers the current verdict again every second, so the latest list is journalled).
   */
  degraded(step: StepId, verdict: Verdict): Effect.Effect<void, never, CalicoApi> {
    const now = Date.now();
    const lacking = lackingReflectors(verdict.short);
    const key = JSON.stringify(lacking);
    if (
      this.record.phase === "Degraded" &&
      (key === this.lastLacking || now - this.lastDegradedAt < 1000)
    ) {
      return Effect.void;
    }
    this.lastDegradedAt = now;
    this.lastLacking = key;
    return this.note(
      (r) => ({
        ...r,
        phase: "Degraded",
        sessions: { established: verdict.established, wanted: verdict.wanted },
      }),
      [
        {
          type: "degraded",
          step,
          detail: verdict.detail,
          established: verdict.established,
          wanted: verdict.wanted,
          lacking,
        },
      ],
    ).pipe(Effect.ignore);
  }

  /** Fails with `Cancelled` once the caller aborts or someone records a cancel request. */
  get cancelled(): Effect.Effect<never, Failure, CalicoApi> {
    const self = this;
    const check = Effect.gen(function* () {
      if (self.settings.signal?.aborted) return "the caller";
      const fresh = yield* self.journal.load(self.record.id);
      return fresh.record.cancelRequestedBy;
    });
    return check.pipe(
      Effect.repeat({ schedule: Schedule.spaced("1 second"), until: (by) => by !== undefined }),
      Effect.flatMap((by) =>
        Effect.fail(
          new WorkflowError("Cancelled", `cancelled by ${by}`, { runId: self.record.id }),
        ),
      ),
    );
  }

  /** Fails with `Stopped` once the stop signal aborts (never without one). */
  get stopped(): Effect.Effect<never, Failure> {
    const stop = this.settings.stop;
    const id = this.record.id;
    const fail = () =>
      new WorkflowError("Stopped", `run ${id} was stopped by its process; resume it`, {
        runId: id,
      });
    if (stop === undefined) return Effect.never;
    return Effect.callback<never, Failure>((resume) => {
      if (stop.aborted) return resume(Effect.fail(fail()));
      const onAbort = () => resume(Effect.fail(fail()));
      stop.addEventListener("abort", onAbort, { once: true });
      return Effect.sync(() => stop.removeEventListener("abort", onAbort));
    });
  }

  context(): StepContext {
    const self = this;
    return {
      plan: this.record.plan,
      verifyTimeoutMs: this.settings.verifyTimeoutMs,
      progress: (step, verdict) => self.progress(step, verdict),
      degraded: (step, verdict) => self.degraded(step, verdict),
      approval: Effect.gen(function* () {
        yield* self.note(
          (r) => ({ ...r, phase: "AwaitingApproval" }),
          [{ type: "awaiting-approval" }],
        );
        const approvedBy = yield* self.journal.load(self.record.id).pipe(
          Effect.map((e) => e.record.approvedBy),
          Effect.repeat({ schedule: Schedule.spaced("1 second"), until: (by) => by !== undefined }),
          Effect.timeoutOrElse({
            duration: self.settings.approvalTimeoutMs,
            orElse: () =>
              Effect.fail(
                new WorkflowError("Cancelled", "nobody approved the mesh disable in time", {
                  runId: self.record.id,
                }),
              ),
          }),
        );
        yield* self.note((r) => r, [{ type: "approved", by: approvedBy as string }]);
      }),
    };
  }
}

function summary(error: unknown): { tag: string; message: string } {
  if (error instanceof WorkflowError) return { tag: error._tag, message: error.message };
  if (error instanceof Error && "_tag" in error)
    return { tag: `Api.${String(error._tag)}`, message: error.message };
  return { tag: "Internal", message: String(error) };
}

/**
 * Runs the forward steps not yet done, each raced against a cancel request and the loss of the
 * Lease. On any failure, rolls back and fails with `RolledBack` (or `RollbackFailed`).
 */
function forward(
  run: Run,
  lost: Effect.Effect<never, Failure>,
): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return Effect.gen(function* () {
    const context = run.context();
    for (const step of run.record.steps) {
      if (step.state === "succeeded") continue;
      if (run.settings.stop?.aborted) return yield* run.stopped;
      const program = stepProgram(step.id, context);
      // a step without compensation only reads or waits: a stop may cut it short
      const work =
        program.compensate === undefined
          ? Effect.raceFirst(program.apply, run.stopped)
          : program.apply;
      yield* run.note(
        (r) => withStep({ ...r, phase: phaseOf(step.id) }, step.id, "running"),
        [{ type: "step-started", step: step.id, title: step.title }],
      );
      const started = Date.now();
      const exit = yield* Effect.exit(
        Effect.raceFirst(work, Effect.raceFirst(run.cancelled, lost)),
      );
      if (Exit.isSuccess(exit)) {
        yield* run.note(
          (r) => withStep(r, step.id, "succeeded"),
          [{ type: "step-succeeded", step: step.id, ms: Date.now() - started }],
        );
        continue;
      }
      const failure = causeError(exit.cause);
      const error = summary(failure);
      // a lost Lease means another process may be running this migration: stop, do not undo
      if (failure instanceof WorkflowError && failure._tag === "LockHeld")
        return yield* Effect.fail(failure);
      if (failure instanceof WorkflowError && failure._tag === "Stopped") {
        yield* run.note((r) => withStep(r, step.id, "pending", "stopped by its process"));
        return yield* Effect.fail(failure);
      }
      yield* run.note(
        (r) => withStep({ ...r, error }, step.id, "failed", error.message),
        [{ type: "step-failed", step: step.id, error }],
      );
      const rolledBack = yield* rollback(run, `step ${step.id} failed: ${error.message}`);
      return yield* Effect.fail(
        new WorkflowError(
          error.tag === "Cancelled" ? "Cancelled" : "RolledBack",
          `migration ${rolledBack.id} ${error.tag === "Cancelled" ? "was cancelled" : "failed"} and was rolled back: ${error.message}`,
          { runId: rolledBack.id },
        ),
      );
    }
    return yield* run.note((r) => ({ ...r, phase: "Succeeded" }), [{ type: "succeeded" }]);
  });
}

/** The error of a failed exit (a defect or an interruption as what it is), for journals. */
function causeError(cause: Cause.Cause<unknown>): unknown {
  return Cause.squash(cause);
}

/**
 * Undoes, in reverse, every step that succeeded or may have partly landed (failed or
 * interrupted: compensations restore journalled originals and are idempotent), checkpointing
 * each, then verifies the restored state from the nodes. Resolves with the RolledBack record;
 * fails with `RollbackFailed` (terminal, R10).
 */
function rollback(run: Run, reason: string): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return Effect.gen(function* () {
    yield* run.note((r) => ({ ...r, phase: "RollingBack" }));
    const context = run.context();
    for (const step of [...run.record.steps].reverse()) {
      if (step.state === "pending" || step.state === "compensated") continue;
      const { compensate } = stepProgram(step.id, context);
      if (compensate === undefined) continue;
      yield* run.note(
        (r) => withStep(r, step.id, "compensating"),
        [{ type: "compensating", step: step.id }],
      );
      const exit = yield* Effect.exit(compensate);
      if (Exit.isFailure(exit)) return yield* rollbackFailed(run, causeError(exit.cause), step.id);
      yield* run.note(
        (r) => withStep(r, step.id, "compensated"),
        [{ type: "compensated", step: step.id }],
      );
    }
    // also when an earlier attempt undid everything and failed verifying: a repeated rollback
    // must prove the restored state, not end RolledBack because nothing was left to undo
    if (run.record.steps.some((s) => s.state === "compensated")) {
      const verified = yield* Effect.exit(verifyRestored(context));
      if (Exit.isFailure(verified)) return yield* rollbackFailed(run, causeError(verified.cause));
    }
    return yield* run.note(
      (r) => ({ ...r, phase: "RolledBack" }),
      [{ type: "rolled-back", reason }],
    );
  });
}

function rollbackFailed(run: Run, cause: unknown, step?: StepId) {
  return Effect.gen(function* () {
    const error = summary(cause);
    const where =
      step === undefined ? "verifying the restored state" : `undoing ${stepDefinition(step).title}`;
    yield* run
      .note((r) => ({ ...r, phase: "RollbackFailed", error }), [{ type: "rollback-failed", error }])
      .pipe(Effect.ignore);
    return yield* Effect.fail(
      new WorkflowError(
        "RollbackFailed",
        `rollback of ${run.record.id} failed while ${where}: ${error.message}`,
        {
          runId: run.record.id,
          cause,
        },
      ),
    );
  });
}

function withLock<A>(
  settings: RunSettings,
  runId: string,
  body: (lost: Effect.Effect<never, Failure>) => Effect.Effect<A, Failure, CalicoApi>,
): Effect.Effect<A, Failure, CalicoApi> {
  return Effect.scoped(
    Effect.gen(function* () {
      const lock = yield* acquireMigrationLock({
        namespace: settings.namespace,
        runId,
        owner: `${settings.startedBy}@${hostname()}/${process.pid}`,
        leaseSeconds: settings.leaseSeconds,
        waitMs: settings.lockWaitMs,
      });
      // the run's temporary CalicoNodeStatus objects go when it ends, however it ends (R11)
      return yield* body(Deferred.await(lock.lost)).pipe(
        Effect.ensuring(sweepStatuses(runId).pipe(Effect.ignore)),
      );
    }),
  );
}

/**
 * Applies a plan: refuses a stale one (R6), takes the Lease (R4), journals the run, then runs it.
 */
export function applyPlanEffect(
  plan: MigrationPlan,
  settings: RunSettings,
): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return Effect.gen(function* () {
    const journal = new MigrationJournal(settings.namespace);
    if (plan.nothingToDo) return yield* alreadyThere(plan, settings);
    return yield* withLock(settings, plan.id, (lost) =>
      Effect.gen(function* () {
        yield* ensureCurrent(plan);
        const now = new Date().toISOString();
        const record: MigrationRecord = {
          id: plan.id,
          phase: "Applying",
          plan,
          startedBy: settings.startedBy,
          startedAt: now,
          updatedAt: now,
          steps: stepsOf(plan),
        };
        const entry = yield* journal.create(record, [
          { type: "planned", plan, seq: 1, at: now, runId: plan.id },
        ]);
        for (const event of entry.events) settings.onEvent(event);
        return yield* forward(new Run(journal, entry, settings), lost);
      }),
    );
  });
}

/**
 * Fails with `StalePlan` when the cluster moved since the plan was made (R6), and with
 * `PlanRefused` when the planner's preflight no longer passes (e.g. a node took another's BGP
 * address after planning: scenario 17 holds at apply time too). Read-only.
 */
function ensureCurrent(plan: MigrationPlan): Effect.Effect<void, Failure, CalicoApi> {
  return Effect.gen(function* () {
    const snapshot = yield* readClusterSnapshot(plan.request);
    const drift = planDrift(snapshot, plan);
    if (drift.length > 0) {
      return yield* Effect.fail(
        new WorkflowError("StalePlan", `plan ${plan.id} no longer matches the cluster`, {
          reasons: drift,
          runId: plan.id,
        }),
      );
    }
    yield* Effect.try({
      try: () => planFromSnapshot(snapshot, plan.request, { id: plan.id, now: new Date() }),
      catch: (e) =>
        e instanceof WorkflowError && e._tag === "PlanRefused"
          ? new WorkflowError("PlanRefused", `plan ${plan.id} is no longer safe to apply`, {
              reasons: e.reasons,
              runId: plan.id,
            })
          : (e as WorkflowError),
    });
  });
}

/**
 * A plan with nothing to do, applied: it is re-checked against the cluster (read-only) and
 * succeeds without a Lease, a journal or any other write, so re-running at the target is free.
 */
function alreadyThere(
  plan: MigrationPlan,
  settings: RunSettings,
): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return Effect.gen(function* () {
    yield* ensureCurrent(plan);
    const now = new Date().toISOString();
    const bodies: MigrationEventBody[] = [{ type: "planned", plan }, { type: "succeeded" }];
    bodies.forEach((body, i) => {
      settings.onEvent({ ...body, seq: i + 1, at: now, runId: plan.id } as MigrationEvent);
    });
    return {
      id: plan.id,
      phase: "Succeeded",
      plan,
      startedBy: settings.startedBy,
      startedAt: now,
      updatedAt: now,
      steps: [],
    };
  });
}

/**
 * Continues a run from its journal and the live state: forward from the first step not done
 * (each step is check-then-act, so a step cut short is simply run again), or on with a rollback
 * that was under way. Sweeps temporary objects the killed run left (R11).
 */
export function resumeRunEffect(
  id: string,
  settings: RunSettings,
): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return continueRun(id, settings, "resume");
}

/** Rolls a run back (also a succeeded one: the cluster returns to where the run started). */
export function rollbackRunEffect(
  id: string,
  settings: RunSettings,
): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return continueRun(id, settings, "rollback");
}

function continueRun(
  id: string,
  settings: RunSettings,
  mode: "resume" | "rollback",
): Effect.Effect<MigrationRecord, Failure, CalicoApi> {
  return Effect.gen(function* () {
    const journal = new MigrationJournal(settings.namespace);
    const first = yield* journal.load(id);
    if (first.record.phase === "RolledBack") return first.record;
    if (mode === "resume" && first.record.phase === "Succeeded") return first.record;
    if (mode === "resume" && first.record.phase === "RollbackFailed") {
      return yield* Effect.fail(
        new WorkflowError(
          "RollbackFailed",
          `run ${id} failed to roll back earlier: run rollback once the cause is fixed`,
          {
            runId: id,
          },
        ),
      );
    }
    return yield* withLock(settings, id, (lost) =>
      Effect.gen(function* () {
        const entry = yield* journal.load(id);
        yield* sweepStatuses(id);
        const run = new Run(journal, entry, settings);
        if (
          mode === "rollback" ||
          entry.record.phase === "RollingBack" ||
          entry.record.phase === "RollbackFailed"
        ) {
          const reason =
            mode === "rollback"
              ? `rollback requested by ${settings.startedBy}`
              : "resumed the rollback";
          return yield* rollback(run, reason);
        }
        return yield* forward(run, lost);
      }),
    );
  });
}

/** Records an approval for a run waiting at the gate (any process may do it). */
export function approveRunEffect(id: string, by: string, namespace: string) {
  return new MigrationJournal(namespace)
    .update(id, (r) => ({ ...r, approvedBy: r.approvedBy ?? by }))
    .pipe(Effect.map((e) => e.record));
}

/** Records a cancel request; the running process rolls back at its next check (about a second). */
export function cancelRunEffect(id: string, by: string, namespace: string) {
  return new MigrationJournal(namespace)
    .update(id, (r) => ({ ...r, cancelRequestedBy: r.cancelRequestedBy ?? by }))
    .pipe(Effect.map((e) => e.record));
}
