import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const sources = (path: string) => fileURLToPath(new URL(path, import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `calicokit-testkit ...args` from the sources, as `make control-plane` runs it from dist/. */
function testkitMain(...args: string[]) {
  const child = spawn(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      "--import",
      sources("./fixtures/typescriptSources.mjs"),
      sources("../src/main.ts"),
      ...args,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: process.env },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  /** Resolves once stdout holds `text`; rejects if the process ends first. */
  const printed = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (stdout.includes(text)) resolve(stdout);
      };
      child.stdout.on("data", check);
      check();
      void exited.then((code) =>
        reject(new Error(`exited with ${code} before printing "${text}":\n${stdout}${stderr}`)),
      );
    });
  return { child, exited, printed, output: () => stdout + stderr };
}

describe("calicokit-testkit (make control-plane)", () => {
  // a whole control-plane start and stop, in a child process
  it("holds the control plane until SIGTERM, then stops it and exits 0", {
    timeout: 180_000,
  }, async () => {
    const main = testkitMain("none", "--hold");
    const out = await main.printed("holding; Ctrl-C stops it");
    const pids = /pids: etcd (\d+), kube-apiserver (\d+)/.exec(out);
    const kubeconfig = /admin kubeconfig: (\S+)/.exec(out)?.[1];
    expect(pids).not.toBeNull();
    expect(kubeconfig).toBeDefined();
    const etcd = Number(pids?.[1]);
    const apiserver = Number(pids?.[2]);
    const dataDir = dirname(kubeconfig as string);
    // holding: still running, and so is its control plane
    expect(main.child.exitCode).toBeNull();
    expect(alive(etcd) && alive(apiserver)).toBe(true);

    main.child.kill("SIGTERM");
    expect(await main.exited).toBe(0);
    expect(main.output()).toContain("control plane stopped, nothing left running");
    expect(alive(etcd)).toBe(false);
    expect(alive(apiserver)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });

  it("refuses an unknown flag before starting anything", async () => {
    const main = testkitMain("v3", "--hodl");
    expect(await main.exited).toBe(2);
    expect(main.output()).toContain('unknown argument "--hodl"');
    expect(main.output()).not.toContain("control plane up");
  });
});
