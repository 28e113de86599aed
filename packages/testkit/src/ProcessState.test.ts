import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { processState } from "./ProcessState.js";

const scratch = mkdtempSync(join(tmpdir(), "calicokit-process-state-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// a test that fails while waiting must not leave its busy or stopped child behind
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
});

function start(command: string, args: string[]) {
  const child = spawn(command, args, { stdio: "ignore" });
  children.push(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { child, pid: child.pid as number, exited };
}

/** Polls until `predicate` holds: a signal's effect is observed, not waited for by the clock. */
async function until(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

describe("processState", () => {
  it("reads the state of a process and of its main thread", async () => {
    const { child: busy, pid, exited } = start("sh", ["-c", "while :; do :; done"]);
    await until(() => processState(pid) === "R");
    await until(() => processState(pid, pid) === "R");
    busy.kill("SIGKILL");
    await exited;
  });

  it("reads the state after a command name holding spaces and a parenthesis", async () => {
    // the kernel names the process after the file it runs: "sleep) Z (x"
    const tricky = join(scratch, "sleep) Z (x");
    symlinkSync("/bin/sleep", tricky);
    const { child, pid, exited } = start(tricky, ["30"]);
    await until(() => processState(pid) === "S");
    child.kill("SIGSTOP");
    await until(() => processState(pid) === "T");
    child.kill("SIGKILL");
    await exited;
    expect(processState(pid)).toBeUndefined();
  });

  it("answers undefined for a process or thread that does not exist", () => {
    expect(processState(2 ** 22 + 1)).toBeUndefined();
    expect(processState(process.pid, 2 ** 22 + 1)).toBeUndefined();
  });
});
