import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startControlPlaneOn } from "../src/ControlPlane.js";
import { startControlPlane, TestkitError } from "../src/index.js";
import { freePort } from "../src/internal/ports.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the fixture in a child node, waits for its control plane, then signals the child. */
async function interrupted(signal: NodeJS.Signals) {
  const child = spawn(
    process.execPath,
    [
      "--experimental-transform-types",
      "--no-warnings",
      "--import",
      fixture("typescriptSources.mjs"),
      fixture("holdControlPlane.ts"),
    ],
    { stdio: ["ignore", "pipe", "inherit"], env: process.env },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
    });
    child.once("exit", (code) => reject(new Error(`fixture exited early with ${code}`)));
  });
  const started = JSON.parse(line) as {
    pids: { etcd: number; apiserver: number };
    dataDir: string;
  };
  expect(alive(started.pids.etcd) && alive(started.pids.apiserver)).toBe(true);
  child.kill(signal);
  return started;
}

describe("control plane lifecycle", () => {
  it("stop() ends etcd and kube-apiserver and removes the scratch folder", async () => {
    const cp = await startControlPlane({ calicoApi: "none" });
    expect(alive(cp.pids.etcd) && alive(cp.pids.apiserver)).toBe(true);
    await cp.stop();
    expect(alive(cp.pids.etcd)).toBe(false);
    expect(alive(cp.pids.apiserver)).toBe(false);
    expect(existsSync(cp.dataDir)).toBe(false);
    await cp.stop(); // idempotent
  });

  it.each(["SIGKILL", "SIGINT"] as const)(
    "leaves nothing running when the runner gets %s",
    async (signal) => {
      const started = await interrupted(signal);
      await expect
        .poll(() => alive(started.pids.etcd) || alive(started.pids.apiserver), {
          timeout: 30_000,
          interval: 250,
        })
        .toBe(false);
      await expect.poll(() => existsSync(started.dataDir), { timeout: 5_000 }).toBe(false);
    },
  );

  it("names a taken port and changes nothing", async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const error = await startControlPlane({
        calicoApi: "none",
        ports: { apiserver: port },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TestkitError);
      expect((error as TestkitError)._tag).toBe("PortInUse");
      expect((error as TestkitError).message).toContain(`port ${port}`);
    } finally {
      squatter.close();
    }
  });

  it("picks fresh ports when one it picked is taken before the apiserver binds it", async () => {
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as { port: number }).port;
    // the third pick is the apiserver's: hand it the taken port once, as the race does
    let picks = 0;
    const pickPort = async () => (++picks === 3 ? taken : freePort());
    try {
      const cp = await startControlPlaneOn({ calicoApi: "none" }, pickPort);
      try {
        expect(picks).toBe(6);
        expect(new URL(cp.url).port).not.toBe(String(taken));
        const api = cp.http();
        expect((await api.request({ method: "GET", path: "/readyz" })).status).toBe(200);
        api.close();
      } finally {
        await cp.stop();
      }
      // always taken: a bounded number of attempts, then the clash is named
      const always = await startControlPlaneOn({ calicoApi: "none" }, async () => taken).catch(
        (e: unknown) => e,
      );
      expect((always as TestkitError)._tag).toBe("PortInUse");
      expect((always as TestkitError).message).toContain(`127.0.0.1:${taken}`);
    } finally {
      squatter.close();
    }
  });

  it("says how to get a missing binary", async () => {
    const saved = process.env.CALICOKIT_TOOLS_BIN;
    process.env.CALICOKIT_TOOLS_BIN = "/nonexistent";
    try {
      const error = await startControlPlane({ calicoApi: "none" }).catch((e: unknown) => e);
      expect((error as TestkitError)._tag).toBe("BinaryNotFound");
      expect((error as TestkitError).message).toContain("make bootstrap");
    } finally {
      if (saved === undefined) delete process.env.CALICOKIT_TOOLS_BIN;
      else process.env.CALICOKIT_TOOLS_BIN = saved;
    }
  });

  it("quotes the apiserver when a CRD does not install", async () => {
    const dir = mkdtempSync(join(tmpdir(), "calicokit-badcrds-"));
    mkdirSync(join(dir, "v3"));
    writeFileSync(
      join(dir, "v3", "broken.yaml"),
      [
        "apiVersion: apiextensions.k8s.io/v1",
        "kind: CustomResourceDefinition",
        "metadata: { name: widgets.projectcalico.org }",
        "spec:",
        "  group: projectcalico.org",
        "  scope: Cluster",
        "  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }",
        "  versions: []",
      ].join("\n"),
    );
    const saved = process.env.CALICOKIT_CRDS_DIR;
    process.env.CALICOKIT_CRDS_DIR = dir;
    try {
      const error = await startControlPlane({ calicoApi: "v3" }).catch((e: unknown) => e);
      expect((error as TestkitError)._tag).toBe("CrdInstallFailed");
      expect((error as TestkitError).message).toMatch(/widgets\.projectcalico\.org.*HTTP 422/);
      expect((error as TestkitError).message).toContain("spec.versions");
    } finally {
      if (saved === undefined) delete process.env.CALICOKIT_CRDS_DIR;
      else process.env.CALICOKIT_CRDS_DIR = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
