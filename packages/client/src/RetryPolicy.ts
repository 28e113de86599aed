import { setTimeout as sleep } from "node:timers/promises";
import pRetry, { AbortError } from "p-retry";
import {
  abortedBy,
  type CalicoClientError,
  fromUnknown,
  type RequestTarget,
} from "./CalicoClientError.js";
import { countSchema, functionSchema, optionsSchema } from "./internal/InputCheck.js";

/** What `onRetry` is told before the client waits and tries again. */
export interface RetryEvent {
  readonly error: CalicoClientError;
  /** The attempt that just failed (1 for the first call). */
  readonly attempt: number;
  /** How long the client will wait before the next attempt. */
  readonly delayMs: number;
}

/**
 * How hard the client tries before giving up on a transient failure: until the deadline, so an
 * apiserver restart of a few seconds is ridden out with the defaults.
 */
export interface RetryOptions {
  /** Attempts in total, the first call included. Default: no limit but the deadline. */
  readonly attempts?: number;
  /** Overall budget for all attempts and waits, in ms. Default 60 000. */
  readonly deadlineMs?: number;
  /** First backoff delay, in ms (doubled each retry, with jitter). Default 200. */
  readonly baseDelayMs?: number;
  /** Largest backoff delay, in ms. Default 10 000. */
  readonly maxDelayMs?: number;
  /** Called before each wait; for logs and metrics. */
  readonly onRetry?: (event: RetryEvent) => void;
}

/** The schema `RetryOptions` are checked against (unknown keys refused). */
export const retryOptionsSchema = optionsSchema<RetryOptions>({
  attempts: countSchema(1),
  deadlineMs: countSchema(0),
  baseDelayMs: countSchema(0),
  maxDelayMs: countSchema(0),
  onRetry: functionSchema<RetryOptions["onRetry"]>(),
});

export const defaultRetryOptions = {
  attempts: Number.POSITIVE_INFINITY,
  deadlineMs: 60_000,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
} as const;

/**
 * Transient failures worth another attempt: throttling, 5xx, network blips and timeouts.
 * Validation, auth, not-found and conflicts are answers, not blips: never retried here.
 *
 * @example
 * ```ts
 * isTransient(new CalicoClientError("Throttled", "slow down")) // true
 * isTransient(new CalicoClientError("Invalid", "bad peerIP"))   // false
 * ```
 */
export function isTransient(error: CalicoClientError): boolean {
  switch (error._tag) {
    case "Throttled":
    case "Unavailable":
    case "Timeout":
    case "Network":
      return true;
    default:
      return false;
  }
}

/**
 * True when a failed write may nevertheless have been committed: the request may have reached
 * the apiserver and the answer was lost or was a 5xx/timeout. A 429 is a refusal (nothing was
 * done) and a refused connection never carried the request.
 *
 * @example
 * ```ts
 * mayHaveCommitted(new CalicoClientError("Unavailable", "500", { code: 500 })) // true
 * ```
 */
export function mayHaveCommitted(error: CalicoClientError): boolean {
  if (error._tag === "Throttled") return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  if (code === "ECONNREFUSED") return false;
  return isTransient(error);
}

/** Full-jitter exponential backoff: uniform in [d/2, d] with d = base * 2^(retry-1), capped. */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** What an attempt is told: its number and, from the second on, why the previous one failed. */
export interface AttemptContext {
  readonly attempt: number;
  readonly previousError: CalicoClientError | undefined;
  /**
   * Whether any earlier attempt of this call failed in a way that may have committed a write.
   * Remembered across all attempts: a later refusal (nothing sent) does not erase an earlier
   * lost answer, so a write is never sent again blind after one.
   */
  readonly mayHaveCommitted: boolean;
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs `operation` with p-retry, retrying only transient failures: a 429 waits what its
 * Retry-After asks (refusing when that overruns the deadline), everything else backs off
 * exponentially with jitter; bounded by the deadline (and `attempts` when given); stops at once
 * when `signal` aborts. Every failure comes out as a `CalicoClientError` naming `target`.
 *
 * @example
 * ```ts
 * const response = await withRetries(
 *   () => fetch("https://kubernetes.default.svc/apis/projectcalico.org/v3/bgppeers/p1"),
 *   { verb: "get", resource: "bgppeers.projectcalico.org", name: "p1" },
 *   { attempts: 4, onRetry: (e) => console.warn(e.error.message) },
 * )
 * ```
 */
export async function withRetries<T>(
  operation: (context: AttemptContext) => Promise<T>,
  target: RequestTarget,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const attempts = options.attempts ?? defaultRetryOptions.attempts;
  const deadlineMs = options.deadlineMs ?? defaultRetryOptions.deadlineMs;
  const base = options.baseDelayMs ?? defaultRetryOptions.baseDelayMs;
  const max = options.maxDelayMs ?? defaultRetryOptions.maxDelayMs;
  const deadline = performance.now() + deadlineMs;
  let previousError: CalicoClientError | undefined;
  let committed = false;
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await operation({ attempt, previousError, mayHaveCommitted: committed, signal });
        } catch (raw) {
          const error = fromUnknown(raw, target);
          previousError = error;
          committed ||= mayHaveCommitted(error);
          // an abort of the caller's signal, or a non-transient answer, ends it here
          if (signal?.aborted || !isTransient(error)) throw new AbortError(error);
          throw error;
        }
      },
      {
        retries: Number.isFinite(attempts) ? Math.max(0, attempts - 1) : Number.POSITIVE_INFINITY,
        // our own delays (Retry-After aware) are slept in onFailedAttempt
        minTimeout: 0,
        maxTimeout: 0,
        maxRetryTime: deadlineMs,
        ...(signal ? { signal } : {}),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (retriesLeft <= 0) return;
          const failure = fromUnknown(error, target);
          const remaining = deadline - performance.now();
          if (remaining <= 0) return; // p-retry ends it: the deadline is spent
          let delayMs: number;
          if (failure._tag === "Throttled" && failure.retryAfterSeconds !== undefined) {
            delayMs = failure.retryAfterSeconds * 1000;
            if (delayMs > remaining) throw new AbortError(failure);
          } else {
            delayMs = Math.min(backoffDelay(attemptNumber, base, max), Math.max(0, remaining));
          }
          options.onRetry?.({ error: failure, attempt: attemptNumber, delayMs });
          await sleep(delayMs, undefined, signal ? { signal } : {});
        },
      },
    );
  } catch (error) {
    if (signal?.aborted) throw abortedBy(signal, target);
    throw fromUnknown(error instanceof AbortError ? error.originalError : error, target);
  }
}
