import type { AnyCalicoClientError, HeldLease } from "@calicokit/client";
import * as Deferred from "effect/Deferred";
import * as Effect from "effect/Effect";
import * as Schedule from "effect/Schedule";
import type * as Scope from "effect/Scope";
import { CalicoApi } from "./CalicoApi.js";
import { WorkflowError } from "./WorkflowError.js";

/** The Lease that allows one migration per cluster (R4). */
export const lockName = "calicokit-migration";

export interface LockOptions {
  readonly namespace: string;
  readonly runId: string;
  /** Who runs it: recorded in the Lease's holderIdentity with the run id. */
  readonly owner: string;
  /** How long the Lease stays ours without renewal; renewed every third of it. */
  readonly leaseSeconds: number;
  /** Keep trying this long while another holder's Lease has not expired (0: fail at once). */
  readonly waitMs: number;
}

/** A held lock: `lost` completes if a renewal fails, and the run must stop writing. */
export interface MigrationLock {
  readonly lease: HeldLease;
  readonly lost: Deferred.Deferred<never, WorkflowError<"LockHeld">>;
}

/** `<runId> <owner>`: the holder names the run, so a refused second run can say which. */
function holderIdentity(options: LockOptions): string {
  return `${options.runId} ${options.owner}`.slice(0, 250);
}

/** The run a holder identity names (see `holderIdentity`). */
function runOf(holder: string): string | undefined {
  return /^(mig-\S+)/.exec(holder)?.[1];
}

/**
 * Takes the cluster's migration Lease as a scoped resource: held, renewed by a background fiber
 * every third of its duration, and released when the scope closes. A Lease held by another,
 * unexpired holder fails with `LockHeld` naming the holder and its run; an expired one is taken
 * over (the Lease write is guarded by resourceVersion, so two contenders never both win).
 */
export function acquireMigrationLock(
  options: LockOptions,
): Effect.Effect<
  MigrationLock,
  WorkflowError<"LockHeld"> | AnyCalicoClientError,
  CalicoApi | Scope.Scope
> {
  return Effect.gen(function* () {
    const api = yield* CalicoApi;
    const ref = { name: lockName, namespace: options.namespace, holder: holderIdentity(options) };
    const attempt = api
      .call((signal) =>
        api.client.leases.acquire(ref, { signal, durationSeconds: options.leaseSeconds }),
      )
      .pipe(
        Effect.catchTag("Conflict", (conflict) =>
          // the holder is read from the Lease: a lost race (both read it free, the other wrote
          // first) is a Conflict too, and its message cannot name the winner
          api
            .call((signal) => api.client.leases.read(ref, { signal }))
            .pipe(
              Effect.flatMap((stored) => {
                const holder = stored?.spec?.holderIdentity || "unknown";
                const runId = runOf(holder);
                return Effect.fail(
                  new WorkflowError(
                    "LockHeld",
                    `another migration holds the cluster: run ${runId ?? "unknown"}, holder "${holder}" (Lease ${options.namespace}/${lockName})`,
                    { holder, runId, cause: conflict },
                  ),
                );
              }),
            ),
        ),
      );
    const acquire =
      options.waitMs > 0
        ? attempt.pipe(
            Effect.retry({
              schedule: Schedule.spaced("1 second"),
              while: (e) => e._tag === "LockHeld",
            }),
            Effect.timeoutOrElse({ duration: options.waitMs, orElse: () => attempt }),
          )
        : attempt;
    const lease = yield* Effect.acquireRelease(acquire, (held) =>
      api.call((signal) => api.client.leases.release(held, { signal })).pipe(Effect.ignore),
    );
    const lost = yield* Deferred.make<never, WorkflowError<"LockHeld">>();
    let current = lease;
    yield* Effect.forkScoped(
      Effect.gen(function* () {
        yield* Effect.sleep(Math.max(1, (options.leaseSeconds * 1000) / 3));
        current = yield* api.call((signal) => api.client.leases.renew(current, { signal }));
      }).pipe(
        Effect.forever,
        Effect.catch((error) =>
          Deferred.fail(
            lost,
            new WorkflowError(
              "LockHeld",
              `lost the migration Lease while running (${error.message}): stopped; resume the run`,
              { runId: options.runId, cause: error },
            ),
          ),
        ),
      ),
    );
    return { lease, lost };
  });
}
