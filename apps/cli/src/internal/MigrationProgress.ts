import type { MigrationEvent, MigrationPlan } from "@calicokit/workflows";
import type { Invocation } from "../Invocation.js";
import { paint } from "../Output.js";

const marks: Readonly<Record<string, string>> = {
  pending: "·",
  running: "▶",
  succeeded: "✔",
  failed: "✘",
  compensating: "↺",
  compensated: "↩",
};

/**
 * Shows a run's events: JSON lines with `-o json`; on a terminal, the step list redrawn in place
 * (state, Established x/y, elapsed); otherwise one plain line per event.
 *
 * @example
 * ```ts
 * const progress = new MigrationProgress(invocation, plan)
 * await runMigration(client, plan, { onEvent: (e) => progress.event(e) })
 * progress.finish()
 * ```
 */
export class MigrationProgress {
  private readonly started = Date.now();
  private readonly states = new Map<string, string>();
  private readonly titles = new Map<string, string>();
  private detail = "";
  private sessions = "";
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly live: boolean;

  constructor(
    private readonly invocation: Invocation,
    plan: MigrationPlan | undefined,
  ) {
    this.live = invocation.global.output !== "json" && invocation.io.stdout.isTTY === true;
    for (const step of plan?.steps ?? []) {
      this.titles.set(step.id, step.title);
      this.states.set(step.id, "pending");
    }
    if (this.live) this.timer = setInterval(() => this.draw(), 250);
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)}s`;
  }

  /** Takes one event of the run. */
  event(event: MigrationEvent): void {
    const out = this.invocation.io.stdout;
    if (this.invocation.global.output === "json") {
      out.write(`${JSON.stringify(event)}\n`);
      return;
    }
    let line: string | undefined;
    switch (event.type) {
      case "planned":
        for (const step of event.plan.steps) {
          this.titles.set(step.id, step.title);
          if (!this.states.has(step.id)) this.states.set(step.id, "pending");
        }
        break;
      case "step-started":
        this.titles.set(event.step, event.title);
        this.states.set(event.step, "running");
        this.detail = "";
        line = `step ${event.step}: ${event.title}`;
        break;
      case "step-progress":
        this.detail = event.detail;
        if (event.established !== undefined && event.wanted !== undefined) {
          this.sessions = `sessions Established ${event.established}/${event.wanted}`;
        }
        line = `        ${event.detail}`;
        break;
      case "step-succeeded":
        this.states.set(event.step, "succeeded");
        line = `step ${event.step} done in ${event.ms} ms`;
        break;
      case "step-failed":
        this.states.set(event.step, "failed");
        line = `step ${event.step} failed: ${event.error.message}`;
        break;
      case "compensating":
        this.states.set(event.step, "compensating");
        line = `undoing ${event.step}`;
        break;
      case "compensated":
        this.states.set(event.step, "compensated");
        line = `undone: ${event.step}`;
        break;
      case "degraded":
        this.detail = event.detail;
        this.sessions = `DEGRADED: sessions Established ${event.established}/${event.wanted}`;
        line = `degraded, waiting (not finishing) until healthy: ${event.lacking
          .map(
            (g) =>
              `${g.nodes.join(", ")}${g.count > g.nodes.length ? ` and ${g.count - g.nodes.length} more` : ""} ${g.count === 1 ? "lacks" : "lack"} ${g.missing.join(", ")} (${g.family})`,
          )
          .join("; ")}`;
        break;
      case "awaiting-approval":
        line = "waiting for approval before the mesh is disabled";
        break;
      case "approved":
        line = `approved by ${event.by}`;
        break;
      case "succeeded":
        line = "migration succeeded";
        break;
      case "rolled-back":
        line = `rolled back: ${event.reason}`;
        break;
      case "rollback-failed":
        line = `rollback failed: ${event.error.message}`;
        break;
    }
    if (this.live) this.draw();
    else if (line !== undefined) out.write(`${this.elapsed()}  ${line}\n`);
  }

  private draw(): void {
    const out = this.invocation.io.stdout;
    const lines = [...this.states].map(([id, state]) => {
      const color =
        state === "succeeded"
          ? "green"
          : state === "failed"
            ? "red"
            : state === "running"
              ? "blue"
              : state.startsWith("compens")
                ? "yellow"
                : "grey";
      return `  ${paint(this.invocation, color, marks[state] ?? "?")} ${(this.titles.get(id) ?? id).padEnd(58)} ${state}`;
    });
    lines.push(
      `  ${this.elapsed()}  ${this.sessions}${this.detail ? `  ${this.detail}` : ""}`.slice(0, 150),
    );
    // back to the start of the block, then rewrite every line
    const up = this.drawn > 0 ? `\u001b[${this.drawn}F` : "";
    out.write(`${up}${lines.map((l) => `\u001b[2K${l}`).join("\n")}\n`);
    this.drawn = lines.length;
  }

  /** Stops redrawing (the last state stays on screen). */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }
}
