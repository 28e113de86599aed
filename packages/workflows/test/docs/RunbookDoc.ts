import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type StepDefinition, stepDefinitions } from "../../src/internal/StepCatalog.js";
import type { StepId } from "../../src/MigrationPlan.js";

// docs/migrations.md's step-by-step runbook is generated from the step catalog the engine runs
// (titles, why, risks, undo, when a read-only step is planned), so the doc cannot drift from it.

/** The runbook page, from the repository root. */
export const runbookPath = join(import.meta.dirname, "../../../../docs/migrations.md");

const begin =
  "<!-- BEGIN GENERATED: the steps, from packages/workflows/src/internal/StepCatalog.ts (packages/workflows/test/docs/RunbookDoc.ts) -->";
const end = "<!-- END GENERATED -->";

/** The steps that change objects: the ones a read-only step's `whenPlanned` can depend on. */
const changingSteps = stepDefinitions.filter((d) => d.whenPlanned === undefined).map((d) => d.id);

/** When a step is in a plan, in words, from its definition. */
function plannedWhen(step: StepDefinition): string {
  const { whenPlanned } = step;
  if (whenPlanned === undefined) return "when the plan changes objects in this step";
  const after = (approval: boolean) =>
    changingSteps.filter((id) => whenPlanned(new Set<StepId>([id]), approval));
  const withApproval = after(true);
  const without = after(false);
  const list = (ids: readonly StepId[]) => ids.map((id) => `\`${id}\``).join(" or ");
  if (without.length === 0 && withApproval.length > 0) {
    return `when the request asks for approval (\`requireApproval\`) and the plan has ${list(withApproval)}`;
  }
  return `when the plan has ${list(without)}`;
}

function renderStep(step: StepDefinition, index: number): string {
  return [
    `### ${index + 1}. \`${step.id}\`: ${step.title}`,
    "",
    `- **Why:** ${step.why}.`,
    `- **What can go wrong:** ${step.risk}.`,
    `- **Undone by a rollback:** ${step.undo}.`,
    `- **In a plan:** ${plannedWhen(step)}.`,
  ].join("\n");
}

/** The generated section: every step in run order (each migration uses a subsequence). */
export function renderRunbookSteps(): string {
  return [begin, "", ...stepDefinitions.map((s, i) => `${renderStep(s, i)}\n`), end].join("\n");
}

/** `doc` with its generated section replaced by `section`; fails when the markers are missing. */
export function withGeneratedSteps(doc: string, section: string): string {
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`${runbookPath} lacks the markers of its generated section:\n${begin}\n${end}`);
  }
  return doc.slice(0, from) + section + doc.slice(to + end.length);
}

/**
 * Whether the page's generated section is current; with `write`, rewrites it first (how the
 * section is updated after a step definition changed).
 */
export function runbookUpToDate(write: boolean): boolean {
  const current = readFileSync(runbookPath, "utf8");
  const wanted = withGeneratedSteps(current, renderRunbookSteps());
  if (wanted === current) return true;
  if (!write) return false;
  writeFileSync(runbookPath, wanted);
  return true;
}
