import { execFile } from "node:child_process";
import { LabError } from "../LabError.js";

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program (no shell) and collects its output; never throws for a non-zero exit.
 * `input` is written to its stdin (e.g. an `ip -batch -` script).
 */
export function runCommand(
  program: string,
  args: readonly string[],
  input?: string,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          reject(
            error.code === "ENOENT"
              ? new LabError("ToolMissing", `${program} is not installed`, toolHint(program))
              : error,
          );
          return;
        }
        resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/** Like `runCommand`, but a non-zero exit is a `CommandFailed` error quoting stderr. */
export async function mustRun(
  program: string,
  args: readonly string[],
  input?: string,
): Promise<string> {
  const result = await runCommand(program, args, input);
  if (result.code !== 0) {
    throw new LabError(
      "CommandFailed",
      `\`${program} ${args.join(" ")}\` exited ${result.code}: ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

/** What to install for a missing program (Debian package names). */
export function toolHint(program: string): string {
  if (program === "ip" || program === "ss") return "install iproute2 (apt-get install iproute2)";
  if (program.startsWith("bird")) return "install BIRD 1.6 (apt-get install bird)";
  return `install ${program}`;
}
