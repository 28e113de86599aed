import { type AnyCalicoClientError, CalicoClientError } from "@calicokit/client";
import { HTTPException } from "hono/http-exception";
import { HttpProblem } from "./HttpProblem.js";
import { WorkflowError } from "./internal/Workflows.js";

/**
 * The HTTP answer for a failed cluster call. The service calls the cluster with its own
 * ServiceAccount, so the cluster's 401/403 mean the service is misconfigured (502), not that the
 * caller lacks rights (callers are checked with SubjectAccessReview before anything is sent).
 *
 * @example
 * ```ts
 * import { CalicoClientError } from "@calicokit/client"
 * import { clusterProblem } from "@calicokit/server"
 * console.log(clusterProblem(new CalicoClientError("NotFound", "bgppeers x not found")).status) // 404
 * ```
 */
export function clusterProblem(error: CalicoClientError | AnyCalicoClientError): HttpProblem {
  const extras = { hint: error.hint };
  const reasons = error.causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  switch (error._tag) {
    case "NotFound":
      return new HttpProblem("not-found", error.detail, extras, { cause: error });
    case "AlreadyExists":
    case "Conflict":
      return new HttpProblem("conflict", error.detail, extras, { cause: error });
    case "Invalid":
      return new HttpProblem(
        "invalid-request",
        error.detail,
        { ...extras, reasons },
        { cause: error },
      );
    case "Throttled":
    case "Unavailable":
    case "Network":
      return new HttpProblem(
        "cluster-unavailable",
        error.message,
        extras,
        error.retryAfterSeconds === undefined
          ? { cause: error }
          : { cause: error, headers: { "retry-after": String(error.retryAfterSeconds) } },
      );
    case "Timeout":
      return new HttpProblem("timeout", error.message, extras, { cause: error });
    case "Aborted":
      return new HttpProblem("shutting-down", error.message, extras, { cause: error });
    default:
      return new HttpProblem("cluster-error", error.message, extras, { cause: error });
  }
}

/**
 * The HTTP answer for a failed workflow call. A run's own outcome (rolled back, verification
 * failed) is not an HTTP error: the routes answer those with the run's record instead.
 *
 * @example
 * ```ts
 * import { WorkflowError } from "@calicokit/workflows"
 * import { workflowProblem } from "@calicokit/server"
 * console.log(workflowProblem(new WorkflowError("LockHeld", "held")).status) // 409
 * ```
 */
export function workflowProblem(error: WorkflowError): HttpProblem {
  const extras = {
    hint: error.hint,
    ...(error.reasons.length === 0 ? {} : { reasons: error.reasons }),
    ...(error.runId === undefined ? {} : { runId: error.runId }),
    ...(error.holder === undefined ? {} : { holder: error.holder }),
  };
  const options = { cause: error };
  switch (error._tag) {
    case "InvalidRequest":
      return new HttpProblem("invalid-request", error.detail, extras, options);
    case "PlanRefused":
      return new HttpProblem("plan-refused", error.detail, extras, options);
    case "StalePlan":
      return new HttpProblem("stale-plan", error.detail, extras, options);
    case "LockHeld":
      return new HttpProblem("lock-held", error.detail, extras, options);
    case "NotFound":
      return new HttpProblem("not-found", error.detail, extras, options);
    case "Api":
      return error.cause instanceof CalicoClientError
        ? clusterProblem(error.cause)
        : new HttpProblem("cluster-error", error.detail, extras, options);
    default:
      // VerificationFailed, RolledBack, RollbackFailed, Cancelled: outcomes of a run
      return new HttpProblem("conflict", error.detail, extras, options);
  }
}

/**
 * Any thrown value as an HTTP problem: HttpProblem as is, cluster errors mapped, anything else
 * a 500 whose detail says nothing internal.
 *
 * @example
 * ```ts
 * import { toHttpProblem } from "@calicokit/server"
 * console.log(toHttpProblem(new Error("boom")).status) // 500
 * ```
 */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof CalicoClientError) return clusterProblem(error);
  if (error instanceof WorkflowError) return workflowProblem(error);
  // Hono's own refusals (e.g. a body that is not JSON at all) are the caller's mistakes
  if (error instanceof HTTPException && error.status === 413) {
    return new HttpProblem("payload-too-large", error.message, {}, { cause: error });
  }
  if (error instanceof HTTPException && error.status < 500) {
    return new HttpProblem(
      "invalid-request",
      error.message || "the request could not be read",
      { hint: "send a JSON body as /openapi.json describes" },
      { cause: error },
    );
  }
  return new HttpProblem(
    "internal",
    "the server failed to handle the request; its log says why",
    {},
    { cause: error },
  );
}
