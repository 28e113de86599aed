import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ControlPlaneInfo, renderKubeconfig, uniqueName } from "@calicokit/testkit";
import { afterAll } from "vitest";
import { bundleCli } from "../bundle.mjs";

const appDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** A scratch directory for this test file, removed after the file's tests. */
export const scratch = mkdtempSync(join(tmpdir(), "calicokit-cli-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Bundles the CLI (the same build `make build` makes) into a folder of this test file under
 * dist/, inside the repository like the real bundle, so the lab finds .tools/bin and the CRDs the
 * same way; removed after the file's tests.
 */
export function buildCli(): Promise<string> {
  const outdir = join(appDir, "dist", "test-bundles", randomBytes(4).toString("hex"));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  return bundleCli(outdir);
}

/** Writes an admin kubeconfig for the control plane and returns its path. */
export function kubeconfigFile(cp: ControlPlaneInfo): string {
  const path = join(scratch, `${uniqueName("kubeconfig")}.yaml`);
  writeFileSync(
    path,
    renderKubeconfig({ url: cp.url, caData: cp.caData, user: "admin", token: cp.admin.token }),
    { mode: 0o600 },
  );
  return path;
}

/** Writes a file into the scratch directory and returns its path. */
export function inputFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running CLI process, for tests that signal it mid-run. */
export interface CliProcess {
  readonly pid: number;
  /** Resolves when stdout has printed a line matching `pattern`; rejects if the process ends first. */
  waitForOutput(pattern: RegExp): Promise<void>;
  readonly done: Promise<CliRun>;
}

/** Starts the bundled CLI with `args` (no TTY; KUBECONFIG unset unless given in `env`). */
export function startCli(
  entry: string,
  args: readonly string[],
  options: {
    readonly env?: Record<string, string>;
    readonly stdin?: string;
    readonly cwd?: string;
  } = {},
): CliProcess {
  const { KUBECONFIG: _unset, ...env } = process.env;
  const child = spawn(process.execPath, [entry, ...args], {
    env: { ...env, NO_COLOR: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of [...waiters]) {
      if (w.pattern.test(stdout)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(options.stdin ?? "");
  const done = new Promise<CliRun>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return {
    pid: child.pid as number,
    // quoting what it printed, instead of leaving the test to time out with no word of why
    waitForOutput: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ pattern, resolve })),
            done.then((end) => {
              throw new Error(
                `exited with ${end.code} before printing ${pattern}:\n${end.stdout}${end.stderr}`,
              );
            }),
          ]),
    done,
  };
}

/** Runs the bundled CLI to the end. */
export function runCli(
  entry: string,
  args: readonly string[],
  options: {
    readonly env?: Record<string, string>;
    readonly stdin?: string;
    readonly cwd?: string;
  } = {},
): Promise<CliRun> {
  return startCli(entry, args, options).done;
}
