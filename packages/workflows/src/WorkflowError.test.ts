import * as Effect from "effect/Effect";
import { describe, expect, expectTypeOf, test } from "vitest";
import { type AnyWorkflowError, WorkflowError } from "./WorkflowError.js";

describe("WorkflowError", () => {
  test("catchTag narrows the handled tag and removes it from the error type", async () => {
    const failing: Effect.Effect<string, AnyWorkflowError> = Effect.fail(
      new WorkflowError("LockHeld", "run mig-1 holds the cluster", {
        holder: "cli@host",
        runId: "mig-1",
      }),
    );
    const handled = failing.pipe(
      Effect.catchTag("LockHeld", (e) => {
        expectTypeOf(e).toEqualTypeOf<WorkflowError<"LockHeld">>();
        return Effect.succeed(`held by ${e.holder}`);
      }),
    );
    expectTypeOf<Effect.Error<typeof handled>>().toEqualTypeOf<
      Exclude<AnyWorkflowError, WorkflowError<"LockHeld">>
    >();
    expect(await Effect.runPromise(handled)).toBe("held by cli@host");
  });

  test("the message lists every reason and ends with the hint", () => {
    const error = new WorkflowError("PlanRefused", "calicokit refuses", { reasons: ["a", "b"] });
    expect(error.message).toBe(`calicokit refuses:\n  - a\n  - b\n(${error.hint})`);
    expect(error.toJSON()).toEqual({ tag: "PlanRefused", message: error.message });
  });
});
