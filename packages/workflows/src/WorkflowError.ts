import type { CalicoClientError } from "@calicokit/client";

/**
 * Every way a migration call can fail. A closed union: switch on `_tag`.
 *
 * - `InvalidRequest`: the request or plan file is malformed (unknown or missing fields, bad values);
 * - `PlanRefused`: the cluster is not fit for the change (`reasons` lists each problem);
 * - `StalePlan`: the cluster changed since the plan was made: plan again;
 * - `LockHeld`: another run holds the cluster's migration Lease (`holder`, `runId`);
 * - `NotFound`: no such run;
 * - `VerificationFailed`: BGP did not reach the state a step waits for, in time;
 * - `RolledBack`: the run failed or was cancelled and every change was undone;
 * - `RollbackFailed`: undoing failed: terminal, a human must look (the journal says where);
 * - `Cancelled`: the run was cancelled before it changed anything;
 * - `Stopped`: the process stopped the run between steps (a shutdown): nothing was undone, the
 *   Lease was released, and the run waits in its journal to be resumed;
 * - `Api`: the cluster refused or failed a call (`cause` is the CalicoClientError).
 */
export type WorkflowErrorTag =
  | "InvalidRequest"
  | "PlanRefused"
  | "StalePlan"
  | "LockHeld"
  | "NotFound"
  | "VerificationFailed"
  | "RolledBack"
  | "RollbackFailed"
  | "Cancelled"
  | "Stopped"
  | "Api";

/**
 * Every WorkflowError as a union of its tags: the error type of the Effect API, so that
 * `Effect.catchTag("LockHeld", ...)` narrows and removes the handled case.
 */
export type AnyWorkflowError = { [Tag in WorkflowErrorTag]: WorkflowError<Tag> }[WorkflowErrorTag];

interface WorkflowErrorFields {
  readonly runId?: string | undefined;
  readonly holder?: string | undefined;
  readonly reasons?: readonly string[];
  readonly cause?: unknown;
}

const hints: Record<WorkflowErrorTag, string> = {
  InvalidRequest: "fix the fields named and send it again",
  PlanRefused: "fix what the reasons name (or pass the override they mention), then plan again",
  StalePlan: "the cluster changed since the plan was made: plan again and review it",
  LockHeld:
    "wait for that run to finish, or follow it (status/events); a crashed holder's lease expires on its own",
  NotFound: "list the runs to see which exist (they live as ConfigMaps in the journal namespace)",
  VerificationFailed:
    "check the nodes named (calico-node running? TCP/179 open?), then resume or roll back",
  RolledBack: "every change was undone; read the run's events for why, fix it, and plan again",
  RollbackFailed:
    "the cluster is half-migrated: read the run's journal (kubectl get configmap -o yaml), fix the cause and run rollback again",
  Cancelled: "the run was cancelled before it changed anything",
  Stopped:
    "nothing was undone and the Lease is free: resume the run (a calicokit-server replica does it on its own)",
  Api: "see the cluster's answer above",
};

/**
 * The one error type of `@calicokit/workflows`, generic over its tag so that effect's
 * `Effect.catchTag` narrows and removes the handled case.
 *
 * @example
 * ```ts
 * import { WorkflowError } from "@calicokit/workflows"
 * const error: unknown = new WorkflowError("LockHeld", "run mig-1 holds the cluster", { holder: "cli@host" })
 * if (error instanceof WorkflowError && error._tag === "LockHeld") console.log(error.holder)
 * ```
 */
export class WorkflowError<Tag extends WorkflowErrorTag = WorkflowErrorTag> extends Error {
  override readonly name = "WorkflowError";
  readonly hint: string;
  readonly runId: string | undefined;
  readonly holder: string | undefined;
  readonly reasons: readonly string[];
  /** The message without the hint. */
  readonly detail: string;

  constructor(
    readonly _tag: Tag,
    detail: string,
    fields: WorkflowErrorFields = {},
  ) {
    const reasons = fields.reasons ?? [];
    const listed = reasons.length === 0 ? "" : `:\n${reasons.map((r) => `  - ${r}`).join("\n")}`;
    super(
      `${detail}${listed}\n(${hints[_tag]})`,
      fields.cause === undefined ? undefined : { cause: fields.cause },
    );
    this.detail = detail;
    this.hint = hints[_tag];
    this.runId = fields.runId;
    this.holder = fields.holder;
    this.reasons = reasons;
  }

  /** The cluster's error behind an `Api` failure. */
  static api(error: CalicoClientError, runId?: string): WorkflowError<"Api"> {
    return new WorkflowError("Api", error.message, { cause: error, runId });
  }

  /** A JSON-safe summary for journals and events. */
  toJSON(): { tag: WorkflowErrorTag; message: string } {
    return { tag: this._tag, message: this.message };
  }
}
