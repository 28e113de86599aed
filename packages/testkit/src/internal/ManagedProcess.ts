import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { processState } from "../ProcessState.js";

/**
 * A long-running child (etcd, kube-apiserver) in its own process group, with its output in a
 * log file so a failed start can quote it.
 */
export class ManagedProcess {
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve(this.exitCode);
      });
    });
  }

  static start(name: string, command: string, args: readonly string[], logFile: string) {
    const fd = openSync(logFile, "a");
    try {
      // detached: its own process group, so a stop (or the watchdog) can kill the whole group
      // and a Ctrl-C in the terminal does not kill it before we shut it down in order.
      const child = spawn(command, args, { detached: true, stdio: ["ignore", fd, fd] });
      child.unref();
      return new ManagedProcess(name, child, logFile);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines of the process's log. */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  /** SIGTERM to the process group, SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!this.running) return;
    signalGroup(this.pid, "SIGTERM");
    // a paused process only acts on SIGTERM once it runs again
    signalGroup(this.pid, "SIGCONT");
    const timer = setTimeout(() => signalGroup(this.pid, "SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** SIGKILL to the process group: a crash, no shutdown. */
  async kill(): Promise<void> {
    if (!this.running) return;
    signalGroup(this.pid, "SIGKILL");
    await this.exited;
  }

  /**
   * Freezes the process group (SIGSTOP) for `ms`, then lets it run again (SIGCONT). Frozen when
   * the call returns: a request made right after it is not answered until the pause ends.
   */
  async pause(ms: number): Promise<void> {
    if (!this.running) return;
    signalGroup(this.pid, "SIGSTOP");
    waitUntilStopped(this.pid);
    try {
      await sleep(ms);
    } finally {
      signalGroup(this.pid, "SIGCONT");
    }
  }
}

/** How long a SIGSTOP may take to stop every thread before the pause goes on regardless. */
const stopSettleMs = 2_000;

/**
 * Blocks until every thread of `pid` is stopped. kill(2) only queues SIGSTOP: a thread running on
 * another core goes on until the kernel interrupts it, and a request on a kept-alive connection
 * was seen answered 2-26 ms after the signal under load (5 in 150 pauses). Synchronous, so that the caller's
 * next request already meets a frozen process; it sleeps 1 ms between looks to leave the CPU to
 * the threads that still have to stop.
 */
function waitUntilStopped(pid: number): void {
  const deadline = Date.now() + stopSettleMs;
  const tick = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline) {
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      return; // gone
    }
    const stopped = threads.every((tid) => {
      const state = processState(pid, Number(tid));
      return state === undefined || "TtZX".includes(state); // undefined: the thread ended
    });
    if (stopped) return;
    Atomics.wait(tick, 0, 0, 1);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts a detached shell that waits for `ownerPid` to end and then stops the given process
 * groups in order (SIGTERM, SIGKILL after 10 s each) and removes `dir`. This is what guarantees
 * nothing survives a Ctrl-C or a SIGKILL of the test runner, where no JavaScript clean-up can run.
 * Order matters: kube-apiserver hangs in shutdown once etcd is gone, so it goes first.
 */
export function startReaper(ownerPid: number, groups: readonly number[], dir: string): () => void {
  const script = [
    `while kill -0 ${ownerPid} 2>/dev/null; do sleep 0.5; done`,
    `for g in ${groups.join(" ")}; do`,
    "  kill -TERM -$g 2>/dev/null; kill -CONT -$g 2>/dev/null",
    "  for i in $(seq 1 20); do kill -0 -$g 2>/dev/null || break; sleep 0.5; done",
    "  kill -KILL -$g 2>/dev/null",
    "done",
    `rm -rf '${dir.replaceAll("'", "")}'`,
  ].join("\n");
  const reaper = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  reaper.unref();
  return () => {
    try {
      if (reaper.pid !== undefined) process.kill(reaper.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
}
