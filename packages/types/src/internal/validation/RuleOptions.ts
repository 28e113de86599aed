import type { AsNumberRange } from "./FieldChecks.js";

/** Settings shared by every kind's rules during one validateResource call. */
export interface RuleOptions {
  readonly asNumberRange: AsNumberRange;
  /** The stored object, when validating an update (for CEL transition rules). */
  readonly previous: unknown;
}
