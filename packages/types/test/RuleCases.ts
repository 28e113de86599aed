import { expect, it } from "vitest";
import { validateResource } from "../src/Validation.js";

/**
 * One validation rule seen from both sides: an input it accepts, and one it rejects with an issue
 * at `path` from `rule` whose message contains `message`.
 */
export interface RuleCase {
  readonly rule: string;
  readonly accepted: Record<string, unknown>;
  readonly rejected: Record<string, unknown>;
  /** `metadata.name` of the rejected object, for rules that depend on the name. */
  readonly name?: string;
  readonly path: string;
  readonly message: string;
}

/**
 * The two table tests of a kind's rule table: every accepted input validates without an issue;
 * every rejected one fails with the case's path, rule and message. `build` wraps an input (a spec,
 * or metadata) into the resource to validate; `name` is the case's name, when it has one.
 */
export function itChecksRules(
  cases: readonly RuleCase[],
  build: (input: Record<string, unknown>, name?: string) => unknown,
): void {
  it.each(cases)("$rule at $path: accepts the valid form", ({ accepted }) => {
    const result = validateResource(build(accepted));
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it.each(cases)(
    "$rule at $path: rejects with path and message",
    ({ rule, rejected, name, path, message }) => {
      const result = validateResource(build(rejected, name));
      expect(result.ok).toBe(false);
      const issues = result.ok ? [] : result.issues;
      const issue = issues.find((found) => found.path === path && found.rule === rule);
      expect(issue, JSON.stringify(issues, null, 2)).toBeDefined();
      expect(issue?.message).toContain(message);
    },
  );
}
