import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../CliError.js";

// A lab started by `lab up` lives in a detached `calicokit lab serve` process. That process
// writes its state file (phase, pid, error) and answers one JSON request per connection on a
// unix socket, so any shell can ask for status, faults or the teardown until `lab down`.

/** Where the background labs keep their state, socket and log. */
export const labStateDir = join(process.env.CALICOKIT_LAB_STATE_DIR ?? tmpdir(), "calicokit-labs");

/** The files of the lab called `name`. */
export function labFiles(name: string): { state: string; socket: string; log: string } {
  mkdirSync(labStateDir, { recursive: true });
  return {
    state: join(labStateDir, `${name}.json`),
    socket: join(labStateDir, `${name}.sock`),
    log: join(labStateDir, `${name}.log`),
  };
}

/** What the serve process reports in its state file. */
export interface LabState {
  readonly pid: number;
  readonly phase: "starting" | "ready" | "failed" | "stopping";
  readonly detail?: string;
  readonly error?: { readonly tag: string; readonly message: string; readonly hint?: string };
}

/** The state file of a lab, or undefined when there is none. */
export function readLabState(name: string): LabState | undefined {
  const { state } = labFiles(name);
  if (!existsSync(state)) return undefined;
  try {
    return JSON.parse(readFileSync(state, "utf8")) as LabState;
  } catch {
    return undefined; // being written: the next read sees it whole
  }
}

/** Requests the serve process answers. */
export type LabRequest =
  | { readonly op: "status" }
  | { readonly op: "down" }
  | { readonly op: "fault"; readonly fault: "stop-bird" | "start-bird"; readonly node: string }
  | { readonly op: "gaps"; readonly since?: string };

/** The answer to a request: a value, or the lab's error as tag, message and hint. */
export type LabAnswer =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly error: { readonly tag: string; readonly message: string; readonly hint?: string };
    };

/**
 * Sends one request to the lab called `name` and resolves to its value; a lab error comes back
 * as a CliError (exit 2 for a wrong node or option, else 1).
 *
 * @example
 * ```ts
 * const status = await askLab("demo", { op: "status" })
 * ```
 */
export function askLab(name: string, request: LabRequest): Promise<unknown> {
  const { socket } = labFiles(name);
  return new Promise((resolve, reject) => {
    const client = connect(socket);
    let text = "";
    client.on("connect", () => client.end(`${JSON.stringify(request)}\n`));
    client.on("data", (chunk) => {
      text += chunk.toString();
    });
    client.on("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "ENOENT" || error.code === "ECONNREFUSED"
          ? notRunning(name)
          : new CliError("Failed", `cannot reach lab ${name}: ${error.message}`),
      );
    });
    client.on("end", () => {
      try {
        const answer = JSON.parse(text) as LabAnswer;
        if (answer.ok) resolve(answer.value);
        else {
          const usage = answer.error.tag === "UnknownNode" || answer.error.tag === "InvalidOptions";
          reject(new CliError(usage ? "Usage" : "Failed", answer.error.message, answer.error.hint));
        }
      } catch {
        reject(
          new CliError(
            "Failed",
            `lab ${name} closed the connection without an answer`,
            `see ${labFiles(name).log}`,
          ),
        );
      }
    });
  });
}

/** The error for a lab that is not running. */
export function notRunning(name: string): CliError {
  return new CliError(
    "Failed",
    `no lab named ${name} is running`,
    `start one with: calicokit lab up${name === defaultLabName ? "" : ` --name ${name}`}`,
  );
}

/** The lab name when --name is not given. */
export const defaultLabName = "calicokit";

/** Whether a process is alive (signal 0 only checks). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
