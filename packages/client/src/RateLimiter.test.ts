import { describe, expect, it } from "vitest";
import { RateLimiter } from "./RateLimiter.js";

describe("RateLimiter", () => {
  it("lets a burst through, then spaces requests at 1/qps", () => {
    const started = performance.now();
    const limiter = new RateLimiter({ qps: 10, burst: 3 });
    const [first, second, third, fourth = 0, fifth = 0] = Array.from({ length: 5 }, () =>
      limiter.reserve(),
    );
    // time that passed since the bucket was made refills it (a loaded machine is slow here)
    const elapsed = performance.now() - started;
    expect([first, second, third]).toEqual([0, 0, 0]);
    expect(fourth).toBeGreaterThanOrEqual(100 - elapsed);
    expect(fourth).toBeLessThanOrEqual(100);
    expect(fifth - fourth).toBeCloseTo(100, -1);
  });

  it("waits for a token and gives it back on abort", async () => {
    // the second token comes 50 ms after the bucket was made, however slow the first take was
    const started = performance.now();
    const limiter = new RateLimiter({ qps: 20, burst: 1 });
    await limiter.take();
    await limiter.take();
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    // a token every 2 s: the next take surely waits, and its abort returns the token it reserved
    const slow = new RateLimiter({ qps: 0.5, burst: 1 });
    await slow.take();
    const controller = new AbortController();
    const pending = slow.take(controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(slow.reserve()).toBeLessThanOrEqual(2_000);
  });

  it("rejects nonsense settings", () => {
    expect(() => new RateLimiter({ qps: 0, burst: 1 })).toThrow(/Config.*qps > 0[\s\S]*qps:/);
    expect(() => new RateLimiter({ qps: 1, burst: 1, bust: 2 } as never)).toThrow(
      /bust: unknown option: did you mean "burst"/,
    );
  });
});
