import { setTimeout as sleep } from "node:timers/promises";
import * as z from "zod";
import { checkOptions, optionsSchema } from "./internal/InputCheck.js";

/** Client-side request rate: `qps` tokens per second, at most `burst` saved up. */
export interface RateLimitOptions {
  readonly qps: number;
  readonly burst: number;
}

/** The schema `RateLimitOptions` are checked against (unknown keys refused). */
export const rateLimitOptionsSchema = optionsSchema<RateLimitOptions>({
  qps: z.number().positive(),
  burst: z.number().min(1),
});

/** Like kubectl's defaults: enough for bulk work, gentle on a busy apiserver. */
export const defaultRateLimit: RateLimitOptions = { qps: 50, burst: 100 };

/**
 * A token bucket like client-go's `flowcontrol` limiter: each request takes a token; tokens
 * refill at `qps` per second up to `burst`. Waiters are served in arrival order.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ qps: 5, burst: 10 })
 * await limiter.take()        // immediate while the bucket has tokens
 * const signal = AbortSignal.timeout(5_000)
 * await limiter.take(signal)  // waits ~200 ms once it is empty
 * ```
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;

  constructor(options: RateLimitOptions) {
    checkOptions(rateLimitOptionsSchema, options, undefined, "rate limit (qps > 0, burst >= 1)");
    // after the check, whose first run may take a while: it must not count as refill time
    this.last = performance.now();
    this.qps = options.qps;
    this.burst = options.burst;
    this.tokens = options.burst;
  }

  /** Reserves a token now and returns how long to wait for it, in ms (0 when one is free). */
  reserve(): number {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    // a negative balance is a queue of reservations: each waits until its token is refilled
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  /** Waits for a token; an abort gives the reservation back. */
  async take(signal?: AbortSignal): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs <= 0) return;
    try {
      await sleep(waitMs, undefined, signal ? { signal } : {});
    } catch (error) {
      this.tokens += 1;
      throw error;
    }
  }
}
