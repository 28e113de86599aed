import { describe, expect, test } from "vitest";
import { stepDefinitions } from "../../src/internal/StepCatalog.js";
import { renderRunbookSteps, runbookUpToDate, withGeneratedSteps } from "./RunbookDoc.js";

// Regenerate after changing a step definition:
//   CALICOKIT_WRITE_RUNBOOK=1 vitest run packages/workflows/test/docs
describe("docs/migrations.md's runbook", () => {
  test("its generated section is what the step catalog says now", () => {
    expect(
      runbookUpToDate(process.env.CALICOKIT_WRITE_RUNBOOK === "1"),
      "docs/migrations.md is out of date: run CALICOKIT_WRITE_RUNBOOK=1 vitest run packages/workflows/test/docs",
    ).toBe(true);
  });

  test("the section names every step in run order, with its risk and undo", () => {
    const section = renderRunbookSteps();
    const headings = [...section.matchAll(/^### \d+\. `([a-z-]+)`/gm)].map((m) => m[1]);
    expect(headings).toEqual(stepDefinitions.map((d) => d.id));
    expect(section).toContain("- **In a plan:** when the plan has `enable-mesh`.");
    expect(section).toContain(
      "- **In a plan:** when the request asks for approval (`requireApproval`) and the plan has `disable-mesh`.",
    );
  });

  test("a page without the markers is refused, not silently appended to", () => {
    expect(() => withGeneratedSteps("# Migrations\n", renderRunbookSteps())).toThrow(
      /lacks the markers/,
    );
  });
});
