import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { MigrationEvent, MigrationPhase, MigrationPlan, StepId } from "../../src/index.js";

/** An event a runner stops at: its type, and for step events the step. */
export interface RunnerStop {
  readonly type: MigrationEvent["type"];
  readonly step?: StepId;
}

/** One line the runner prints. */
export type RunnerLine =
  | { readonly ready: true }
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

/** `type step` of a stop or an event, for messages and comparisons. */
export function eventName(e: RunnerStop | MigrationEvent): string {
  return "step" in e && e.step !== undefined ? `${e.type} ${e.step}` : e.type;
}

/** A runner's job: what the child is told on stdin. */
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
  readonly outcome: Extract<RunnerLine, { done: unknown } | { failed: unknown }> | undefined;
  readonly stderr: string;
}

export interface RunnerProcess {
  readonly pid: number;
  /** The events it printed so far, in order. */
  readonly events: readonly MigrationEvent[];
  /** Resolves with its first event matching `stop`; rejects if it ends before printing one. */
  reached(stop: RunnerStop): Promise<MigrationEvent>;
  /** `promise`, unless the runner ends first: then rejects saying how it ended. */
  whileAlive<T>(promise: Promise<T>, what: string): Promise<T>;
  readonly ended: Promise<RunnerEnd>;
  /** SIGKILL, then wait until it is gone. */
  kill(): Promise<RunnerEnd>;
}

const runnerScript = fileURLToPath(new URL("./runner.ts", import.meta.url));
// the hook that maps the sources' `.js` specifiers onto `.ts` files (testkit's, used as is)
const typescriptSources = fileURLToPath(
  new URL("../../../testkit/test/fixtures/typescriptSources.mjs", import.meta.url),
);

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** A runner child with the workflow code loaded, not yet given a job; it prints as it goes. */
class WarmRunner {
  readonly child: Child;
  readonly ready: Promise<void>;
  readonly ended: Promise<RunnerEnd>;
  readonly events: MigrationEvent[] = [];
  private outcome: RunnerEnd["outcome"];
  private stderr = "";
  private watchers: { stop: RunnerStop; resolve: (e: MigrationEvent) => void }[] = [];

  constructor() {
    this.child = spawn(
      process.execPath,
      [
        "--experimental-transform-types",
        "--no-warnings",
        "--conditions=@calicokit/source",
        "--import",
        typescriptSources,
        runnerScript,
      ],
      { stdio: ["pipe", "pipe", "pipe"], env: process.env },
    );
    let ready: () => void = () => {};
    this.ready = new Promise((resolve) => {
      ready = resolve;
    });
    let pending = "";
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString("utf8");
    });
    this.child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const text of lines.filter((l) => l.trim() !== "")) {
        const line = JSON.parse(text) as RunnerLine;
        if ("ready" in line) ready();
        else if ("event" in line) this.onEvent(line.event);
        else this.outcome = line;
      }
    });
    this.ended = new Promise((resolve) => {
      this.child.once("close", (code, signal) =>
        resolve({ code, signal, outcome: this.outcome, stderr: this.stderr }),
      );
    });
  }

  private onEvent(event: MigrationEvent) {
    this.events.push(event);
    const due = this.watchers.filter((w) => stopMatches(w.stop, event));
    this.watchers = this.watchers.filter((w) => !due.includes(w));
    for (const w of due) w.resolve(event);
  }

  process(options: RunnerOptions): RunnerProcess {
    this.child.stdin.end(`${JSON.stringify(options)}\n`);
    const self = this;
    const whileAlive = <T>(promise: Promise<T>, what: string) =>
      Promise.race([
        promise,
        self.ended.then((end): never => {
          throw new Error(
            `runner ended (${end.signal ?? end.code}) before ${what}: ${JSON.stringify(end.outcome)}\nevents: ${self.events.map(eventName).join(", ")}\n${end.stderr}`,
          );
        }),
      ]);
    return {
      pid: this.child.pid as number,
      events: this.events,
      reached(stop) {
        const seen = self.events.find((e) => stopMatches(stop, e));
        if (seen !== undefined) return Promise.resolve(seen);
        const event = new Promise<MigrationEvent>((resolve) => {
          self.watchers.push({ stop, resolve });
        });
        return whileAlive(event, eventName(stop));
      },
      whileAlive,
      ended: this.ended,
      async kill() {
        self.child.kill("SIGKILL");
        return self.ended;
      },
    };
  }
}

/** Resolves once the child has loaded; rejects if it dies first. */
function ready(runner: WarmRunner): Promise<void> {
  return Promise.race([
    runner.ready,
    runner.ended.then((end): never => {
      throw new Error(`a runner died while loading (${end.signal ?? end.code}):\n${end.stderr}`);
    }),
  ]);
}

/**
 * Runner processes, as a real CLI process would run a migration: `runner.ts` in a child Node on
 * the workspace's TypeScript sources, with its own memory and its own Lease holder identity (its
 * pid). One spare child is kept loaded, so a resume starts while the test checks the last kill.
 */
export class CrashRunners {
  private spare = new WarmRunner();

  /** Hands `options` to the loaded spare (once it is ready) and loads the next one. */
  async start(options: RunnerOptions): Promise<RunnerProcess> {
    const runner = this.spare;
    this.spare = new WarmRunner();
    await ready(runner);
    return runner.process(options);
  }

  /** Starts several runs at the same moment: each in a child loaded before any is told its job. */
  async startTogether(jobs: readonly RunnerOptions[]): Promise<RunnerProcess[]> {
    const loaded = [this.spare, ...jobs.slice(1).map(() => new WarmRunner())];
    this.spare = new WarmRunner();
    await Promise.all(loaded.map((runner) => ready(runner)));
    return jobs.map((options, i) => (loaded[i] as WarmRunner).process(options));
  }

  /** Ends the spare (its stdin closes without a job). */
  async close(): Promise<void> {
    this.spare.child.stdin.end();
    await this.spare.ended;
  }
}
