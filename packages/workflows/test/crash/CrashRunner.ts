import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationEvent, MigrationPhase, MigrationPlan, StepId } from "../../src/index.js";

/** An event a runner stops at: its type, and for step events the step. */
export interface RunnerStop {
  readonly type: MigrationEvent["type"];
  readonly step?: StepId;
}

/** One line the runner prints. */
export type RunnerLine =
  | { readonly event: MigrationEvent }
  | { readonly done: { readonly phase: MigrationPhase } }
  | {
      readonly failed: {
        readonly tag: string;
        readonly message: string;
        readonly runId?: string | undefined;
        readonly holder?: string | undefined;
      };
    };

export function stopMatches(stop: RunnerStop, event: MigrationEvent): boolean {
  return (
    event.type === stop.type &&
    (stop.step === undefined || ("step" in event && event.step === stop.step))
  );
}

export function describeStop(stop: RunnerStop): string {
  return stop.step === undefined ? stop.type : `${stop.type} ${stop.step}`;
}

export interface RunnerOptions {
  readonly kubeconfig: string;
  /** A plan to run, or the id of a run to resume or roll back. */
  readonly job:
    | { readonly run: MigrationPlan }
    | { readonly resume: string }
    | { readonly rollback: string };
  /** Stop dead right after this event is journalled, waiting for the test's SIGKILL. */
  readonly parkAt?: RunnerStop;
  readonly startedBy?: string;
  readonly leaseSeconds?: number;
  readonly lockWaitMs?: number;
  readonly verifyTimeoutMs?: number;
}

/** How a runner process ended. */
export interface RunnerEnd {
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  /** Its final line, when it got to print one. */
  readonly outcome: Exclude<RunnerLine, { event: MigrationEvent }> | undefined;
  readonly stderr: string;
}

export interface RunnerProcess {
  readonly pid: number;
  /** The events it printed so far, in order. */
  readonly events: readonly MigrationEvent[];
  /** Resolves with its first event matching `stop`; rejects if it ends before printing one. */
  reached(stop: RunnerStop): Promise<MigrationEvent>;
  readonly ended: Promise<RunnerEnd>;
  /** SIGKILL, then wait until it is gone. */
  kill(): Promise<RunnerEnd>;
}

const runnerScript = fileURLToPath(new URL("./runner.ts", import.meta.url));
// the hook that maps the sources' `.js` specifiers onto `.ts` files (testkit's, used as is)
const typescriptSources = fileURLToPath(
  new URL("../../../testkit/test/fixtures/typescriptSources.mjs", import.meta.url),
);

/**
 * Starts `runner.ts` in a child Node process on the workspace's TypeScript sources, as a real
 * CLI process would run a migration: separate memory, its own Lease holder identity (its pid).
 */
export function startRunner(options: RunnerOptions): RunnerProcess {
  const args = ["--kubeconfig", options.kubeconfig];
  if ("run" in options.job) {
    const file = join(mkdtempSync(join(tmpdir(), "calicokit-crash-")), "plan.json");
    writeFileSync(file, JSON.stringify(options.job.run));
    args.push("--plan", file);
  } else if ("resume" in options.job) {
    args.push("--resume", options.job.resume);
  } else {
    args.push("--rollback", options.job.rollback);
  }
  if (options.parkAt !== undefined) args.push("--park-at", JSON.stringify(options.parkAt));
  if (options.startedBy !== undefined) args.push("--started-by", options.startedBy);
  if (options.leaseSeconds !== undefined) args.push("--lease-seconds", `${options.leaseSeconds}`);
  if (options.lockWaitMs !== undefined) args.push("--lock-wait-ms", `${options.lockWaitMs}`);
  if (options.verifyTimeoutMs !== undefined)
    args.push("--verify-timeout-ms", `${options.verifyTimeoutMs}`);

  const child = spawn(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      "--conditions=@calicokit/source",
      "--import",
      typescriptSources,
      runnerScript,
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: process.env },
  );
  const events: MigrationEvent[] = [];
  let outcome: RunnerEnd["outcome"];
  let stderr = "";
  let pending = "";
  const watchers: { stop: RunnerStop; resolve: (e: MigrationEvent) => void }[] = [];
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const text of lines) {
      if (text.trim() === "") continue;
      const line = JSON.parse(text) as RunnerLine;
      if (!("event" in line)) {
        outcome = line;
        continue;
      }
      events.push(line.event);
      for (const w of watchers.filter((w) => stopMatches(w.stop, line.event))) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve(line.event);
      }
    }
  });
  const ended = new Promise<RunnerEnd>((resolve) => {
    child.once("close", (code, signal) => resolve({ code, signal, outcome, stderr }));
  });
  return {
    pid: child.pid as number,
    events,
    reached(stop) {
      const seen = events.find((e) => stopMatches(stop, e));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<MigrationEvent>((resolve, reject) => {
        watchers.push({ stop, resolve });
        void ended.then((end) =>
          reject(
            new Error(
              `runner ended (${end.signal ?? end.code}) before ${describeStop(stop)}: ${JSON.stringify(end.outcome)}\nevents: ${events.map((e) => describeStop(e as RunnerStop)).join(", ")}\n${end.stderr}`,
            ),
          ),
        );
      });
    },
    ended,
    async kill() {
      child.kill("SIGKILL");
      return ended;
    },
  };
}
