import { randomBytes } from "node:crypto";

/**
 * `prefix` with a short random suffix, for objects a test creates: the control planes are shared
 * by every test file of a run, so fixed names would collide.
 *
 * @example
 * ```ts
 * const name = uniqueName("peer") // e.g. "peer-3fa90c1b"
 * ```
 */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}
