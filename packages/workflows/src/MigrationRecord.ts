import type { MigrationPlan, StepId } from "./MigrationPlan.js";
import type { LackingReflectors } from "./SessionCheck.js";

/**
 * A run's phase (R10). RolledBack, Succeeded and RollbackFailed are terminal. `Degraded`: the
 * mesh is off and some client (or reflector) has fewer Established reflectors than wanted, but
 * none has lost them all; the run waits, never succeeds while degraded, and rolls back at the
 * verification's deadline.
 */
export type MigrationPhase =
  | "Planned"
  | "Applying"
  | "Verifying"
  | "AwaitingApproval"
  | "Degraded"
  | "Succeeded"
  | "RollingBack"
  | "RolledBack"
  | "RollbackFailed";

export type StepState =
  | "pending"
  | "running"
  | "succeeded"
  | "failed"
  | "compensating"
  | "compensated";

export interface StepRecord {
  readonly id: StepId;
  readonly title: string;
  readonly state: StepState;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly detail?: string;
}

/** A failure as journals and events carry it. */
export interface FailureSummary {
  readonly tag: string;
  readonly message: string;
}

/**
 * The journal of one run, as stored in the cluster (a ConfigMap, readable with kubectl): the
 * plan with every original value a rollback needs, each step's state, who started it, and the
 * latest verification figures.
 */
export interface MigrationRecord {
  readonly id: string;
  readonly phase: MigrationPhase;
  readonly plan: MigrationPlan;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly steps: readonly StepRecord[];
  readonly approvedBy?: string;
  readonly cancelRequestedBy?: string;
  readonly error?: FailureSummary;
  /** The latest verification figure: sessions to route reflectors Established out of wanted. */
  readonly sessions?: { readonly established: number; readonly wanted: number };
}

/** What a run reports, in order (`seq` from 1), journalled so other processes can follow it. */
export type MigrationEvent = {
  readonly seq: number;
  readonly at: string;
  readonly runId: string;
} & MigrationEventBody;

export type MigrationEventBody =
  | { readonly type: "planned"; readonly plan: MigrationPlan }
  | { readonly type: "step-started"; readonly step: StepId; readonly title: string }
  | {
      readonly type: "step-progress";
      readonly step: StepId;
      readonly detail: string;
      readonly established?: number;
      readonly wanted?: number;
    }
  | { readonly type: "step-succeeded"; readonly step: StepId; readonly ms: number }
  | { readonly type: "step-failed"; readonly step: StepId; readonly error: FailureSummary }
  | {
      readonly type: "degraded";
      readonly step: StepId;
      readonly detail: string;
      readonly established: number;
      readonly wanted: number;
      /** Who lacks which reflectors, grouped (at most 20 names a group, with the count). */
      readonly lacking: readonly LackingReflectors[];
    }
  | { readonly type: "awaiting-approval" }
  | { readonly type: "approved"; readonly by: string }
  | { readonly type: "compensating"; readonly step: StepId }
  | { readonly type: "compensated"; readonly step: StepId }
  | { readonly type: "succeeded" }
  | { readonly type: "rolled-back"; readonly reason: string }
  | { readonly type: "rollback-failed"; readonly error: FailureSummary };

/** Phases after which nothing more happens by itself. */
export function isTerminal(phase: MigrationPhase): boolean {
  return phase === "Succeeded" || phase === "RolledBack" || phase === "RollbackFailed";
}
