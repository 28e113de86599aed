import { describe, expect, it } from "vitest";
import { RateLimiter } from "./RateLimiter.js";

describe("RateLimiter", () => {
  it("lets a burst through, then spaces requests at 1/qps", () => {
    const limiter = new RateLimiter({ qps: 10, burst: 3 });
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 0, 0]);
    const fourth = limiter.reserve();
    const fifth = limiter.reserve();
    expect(fourth).toBeGreaterThan(90);
    expect(fourth).toBeLessThanOrEqual(100);
    expect(fifth - fourth).toBeCloseTo(100, -1);
  });

  it("waits for a token and gives it back on abort", async () => {
    const limiter = new RateLimiter({ qps: 20, burst: 1 });
    await limiter.take();
    const started = performance.now();
    await limiter.take();
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    const controller = new AbortController();
    const pending = limiter.take(controller.signal);
    controller.abort();
    await expect(pending).rejects.toThrow();
  });

  it("rejects nonsense settings", () => {
    expect(() => new RateLimiter({ qps: 0, burst: 1 })).toThrow(/Config.*qps > 0[\s\S]*qps:/);
    expect(() => new RateLimiter({ qps: 1, burst: 1, bust: 2 } as never)).toThrow(
      /bust: unknown option: did you mean "burst"/,
    );
  });
});
