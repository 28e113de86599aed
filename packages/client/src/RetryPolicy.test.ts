import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { CalicoClientError } from "./CalicoClientError.js";
import { backoffDelay, isTransient, mayHaveCommitted, withRetries } from "./RetryPolicy.js";

const target = { verb: "get", resource: "bgppeers.projectcalico.org", name: "p" };
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

function apiError(code: number, headers: Record<string, string> = {}) {
  return new ApiException(code, "x", JSON.stringify({ code, message: `HTTP ${code}` }), headers);
}

describe("withRetries", () => {
  it("retries 5xx, resets and timeouts until success", async () => {
    const failures = [
      apiError(503),
      Object.assign(new Error("reset"), { code: "ECONNRESET" }),
      apiError(504),
    ];
    const seen: number[] = [];
    const result = await withRetries(
      async ({ attempt, previousError }) => {
        seen.push(attempt);
        if (attempt > 1) expect(previousError).toBeInstanceOf(CalicoClientError);
        const failure = failures.shift();
        if (failure) throw failure;
        return "ok";
      },
      target,
      fast,
    );
    expect(result).toBe("ok");
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it("never retries Invalid, Forbidden, NotFound or Unauthorized", async () => {
    for (const code of [422, 403, 404, 401]) {
      let calls = 0;
      await expect(
        withRetries(
          async () => {
            calls++;
            throw apiError(code);
          },
          target,
          fast,
        ),
      ).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    }
  });

  it("waits what Retry-After asks and reports each retry", async () => {
    const events: number[] = [];
    let calls = 0;
    const started = performance.now();
    await withRetries(
      async () => {
        if (calls++ === 0) throw apiError(429, { "retry-after": "1" });
        return "ok";
      },
      target,
      { ...fast, onRetry: (e) => events.push(e.delayMs) },
    );
    const elapsed = performance.now() - started;
    expect(events).toEqual([1000]);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1500);
  });

  it("gives up when Retry-After overruns the deadline, and after the last attempt", async () => {
    await expect(
      withRetries(
        async () => {
          throw apiError(429, { "retry-after": "30" });
        },
        target,
        { ...fast, deadlineMs: 1000 },
      ),
    ).rejects.toMatchObject({ _tag: "Throttled", retryAfterSeconds: 30 });
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw apiError(500);
        },
        target,
        { ...fast, attempts: 3 },
      ),
    ).rejects.toMatchObject({ _tag: "Unavailable", target });
    expect(calls).toBe(3);
  });

  it("stops when the signal aborts", async () => {
    const controller = new AbortController();
    const run = withRetries(
      async () => {
        throw apiError(503);
      },
      target,
      { baseDelayMs: 5_000, maxDelayMs: 5_000 },
      controller.signal,
    );
    setTimeout(() => controller.abort(new DOMException("stop", "AbortError")), 20);
    await expect(run).rejects.toMatchObject({ _tag: "Aborted" });
  });
});

describe("classification", () => {
  it("knows transient and possibly-committed failures", () => {
    expect(isTransient(new CalicoClientError("Network", "reset"))).toBe(true);
    expect(isTransient(new CalicoClientError("Conflict", "409"))).toBe(false);
    expect(mayHaveCommitted(new CalicoClientError("Unavailable", "500"))).toBe(true);
    expect(mayHaveCommitted(new CalicoClientError("Throttled", "429"))).toBe(false);
    const refused = new CalicoClientError("Network", "refused", {
      cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }),
    });
    expect(mayHaveCommitted(refused)).toBe(false);
  });

  it("backs off exponentially with jitter, capped", () => {
    for (let i = 0; i < 50; i++) {
      const d = backoffDelay(3, 100, 10_000);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
      expect(backoffDelay(20, 100, 1_000)).toBeLessThanOrEqual(1_000);
    }
  });
});

describe("withRetries: deadline and memory of ambiguous failures", () => {
  it("retries past any count until the deadline, and tells each attempt if a write may have landed", async () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const seen: boolean[] = [];
    const result = await withRetries(
      async ({ attempt, mayHaveCommitted }) => {
        seen.push(mayHaveCommitted);
        if (attempt === 1) throw refused;
        if (attempt === 2) throw reset;
        if (attempt <= 9) throw refused;
        return "done";
      },
      target,
      { baseDelayMs: 1, maxDelayMs: 2, deadlineMs: 10_000 },
    );
    expect(result).toBe("done");
    // refused first: nothing sent yet; after the reset, every later attempt knows, refusals or not
    expect(seen).toEqual([false, false, true, true, true, true, true, true, true, true]);
  });

  it("gives up when the deadline is spent", async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw apiError(503);
        },
        target,
        { baseDelayMs: 5, maxDelayMs: 20, deadlineMs: 200 },
      ),
    ).rejects.toMatchObject({ _tag: "Unavailable" });
    // more than the six attempts that used to be the limit
    expect(calls).toBeGreaterThan(6);
  });
});
