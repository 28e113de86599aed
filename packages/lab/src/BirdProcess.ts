import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { birdQuery } from "./internal/BirdControl.js";
import { runCommand } from "./internal/Command.js";
import { LabError } from "./LabError.js";

/** IPv4 runs `bird`, IPv6 `bird6` (BIRD 1.6 has one daemon per family). */
export type BirdFamily = 4 | 6;

export interface BirdProcessOptions {
  readonly netns: string;
  readonly family: BirdFamily;
  readonly configPath: string;
  readonly socketPath: string;
  readonly logPath: string;
}

/** How to stop BIRD: `graceful` = SIGTERM (peers get a Cease), `kill` = SIGKILL (peers keep stale routes). */
export type BirdStopMode = "graceful" | "kill";

/**
 * One BIRD daemon inside a node's namespace, started the way calico-node starts it
 * (`bird -R -s <socket> -d -c <config>`: graceful-restart recovery, foreground, log to stderr,
 * here a log file). Its control socket is a file, so the lab reaches it from any namespace.
 *
 * @example
 * ```ts
 * const bird = await BirdProcess.start({
 *   netns: "calicokit.demo.node-1",
 *   family: 4,
 *   configPath: "/run/lab/node-1/bird.cfg",
 *   socketPath: "/run/lab/node-1/bird.ctl",
 *   logPath: "/run/lab/node-1/bird.log",
 * })
 * await bird.stop("graceful")
 * ```
 */
export class BirdProcess {
  readonly exited: Promise<void>;
  private exitedFlag = false;

  private constructor(
    readonly options: BirdProcessOptions,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once("exit", () => {
        this.exitedFlag = true;
        resolve();
      });
    });
  }

  /** Starts BIRD and waits until its control socket answers (10 s budget). */
  static async start(options: BirdProcessOptions): Promise<BirdProcess> {
    const fd = openSync(options.logPath, "a");
    let child: ChildProcess;
    try {
      // `ip netns exec` execs BIRD in place, so the child's pid is BIRD's. detached: its own
      // process group, so a Ctrl-C meant for the lab's owner does not kill it behind the lab's back.
      child = spawn(
        "ip",
        [
          ...["netns", "exec", options.netns, birdProgram(options.family)],
          ...["-R", "-s", options.socketPath, "-d", "-c", options.configPath],
        ],
        { detached: true, stdio: ["ignore", fd, fd] },
      );
      child.unref();
    } finally {
      closeSync(fd);
    }
    const bird = new BirdProcess(options, child);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (bird.exitedFlag) {
        throw new LabError(
          "CommandFailed",
          `${birdProgram(options.family)} in ${options.netns} exited at start-up:\n${bird.logTail()}`,
          `see ${options.logPath}`,
        );
      }
      try {
        await birdQuery(options.socketPath, "show status");
        return bird;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await sleep(50);
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return !this.exitedFlag;
  }

  /** Stops BIRD and waits for it to exit (a graceful stop escalates to SIGKILL after 5 s). */
  async stop(mode: BirdStopMode): Promise<void> {
    if (!this.running) return;
    this.signal(mode === "graceful" ? "SIGTERM" : "SIGKILL");
    const timer = setTimeout(() => this.signal("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines of this BIRD's log. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.options.logPath, "utf8")
        .trimEnd()
        .split("\n")
        .slice(-lines)
        .join("\n");
    } catch {
      return "(no log)";
    }
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.pid, signal);
    } catch {
      // already gone
    }
  }
}

function birdProgram(family: BirdFamily): string {
  return family === 4 ? "bird" : "bird6";
}

/**
 * Parses a config file with `bird -p` (`bird6 -p`), as confd's check_cmd does before installing
 * it; `BirdConfigRejected` quotes BIRD's message (file:line:column and what is wrong).
 *
 * @example
 * ```ts
 * await checkBirdConfig(4, "/tmp/lab/node-1/bird.cfg.new")
 * ```
 */
export async function checkBirdConfig(family: BirdFamily, configPath: string): Promise<void> {
  const result = await runCommand(birdProgram(family), ["-p", "-c", configPath]);
  if (result.code !== 0) {
    throw new LabError(
      "BirdConfigRejected",
      `${birdProgram(family)} -p rejected ${configPath}: ${(result.stderr || result.stdout).trim()}`,
      "the renderer produced syntax BIRD 1.6.8 does not accept; the previous config stays active",
    );
  }
}

/**
 * Has a running BIRD re-read its config file, as confd's SIGHUP does: protocols are matched by
 * name, unchanged ones keep their sessions, removed ones send a Cease. Check the file with
 * `checkBirdConfig` first. `BirdUnreachable` when BIRD does not run.
 *
 * @example
 * ```ts
 * await reconfigureBird("/tmp/calicokit-lab.demo/nodes/node-1/bird.ctl")
 * ```
 */
export async function reconfigureBird(socketPath: string): Promise<void> {
  const lines = await birdQuery(socketPath, "configure");
  // 0003 Reconfigured, 0004 in progress, 0019 nothing to do; 8xxx/9xxx are errors.
  if (/^[89]/.test(lines.at(-1)?.code ?? "9")) {
    throw new LabError(
      "BirdConfigRejected",
      `BIRD behind ${socketPath} refused to reconfigure: ${lines.map((l) => l.text).join(" ")}`,
    );
  }
}
