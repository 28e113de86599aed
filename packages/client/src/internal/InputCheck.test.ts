import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CalicoClient } from "../CalicoClient.js";
import { CalicoClientError } from "../CalicoClientError.js";
import { loadKubeConfig } from "../KubeConfigSource.js";
import { RateLimiter } from "../RateLimiter.js";
import { checkName, checkOptions, optionsSchema, signalSchema } from "./InputCheck.js";

const target = { verb: "get", resource: "bgppeers.projectcalico.org" };

async function refusal(run: () => Promise<unknown>): Promise<CalicoClientError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CalicoClientError)) throw new Error(`expected a CalicoClientError`);
  return error;
}

describe("checkOptions", () => {
  it("passes known options through and takes undefined as the defaults", () => {
    const simple = optionsSchema<{ signal?: AbortSignal }>({ signal: signalSchema });
    const signal = new AbortController().signal;
    expect(checkOptions(simple, { signal }, target)).toEqual({ signal });
    expect(checkOptions(simple, undefined, target)).toEqual({});
  });

  it("refuses an unknown key with Config, naming it and the key it was likely meant as", () => {
    const simple = optionsSchema<{ signal?: AbortSignal }>({ signal: signalSchema });
    let error: unknown;
    try {
      checkOptions(simple, { singal: new AbortController().signal }, target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalicoClientError);
    const refused = error as CalicoClientError;
    expect(refused._tag).toBe("Config");
    expect(refused.causes).toEqual([
      { field: "singal", message: 'unknown option: did you mean "signal"?' },
    ]);
    expect(refused.hint).toBe('use "signal" instead of "singal"');
  });

  it("refuses a non-string or empty name with Invalid naming the field", () => {
    expect(() => checkName("", target)).toThrow(/name must be a non-empty string, got ""/);
    expect(() => checkName(7, target, "nodes[0]")).toThrow(/nodes\[0\] must be a non-empty/);
    expect(checkName("p1", target)).toBe("p1");
  });
});

describe("public entry points refuse bad options before anything is sent", () => {
  it("CalicoClient.connect: { kubeconfig } is refused, suggesting kubeconfigPath", async () => {
    const error = await refusal(() => CalicoClient.connect({ kubeconfig: "/path" } as never));
    expect(error._tag).toBe("Config");
    expect(error.causes).toEqual([
      { field: "kubeconfig", message: 'unknown option: did you mean "kubeconfigPath"?' },
    ]);
    expect(error.message).toContain('use "kubeconfigPath" instead of "kubeconfig"');
  });

  it("CalicoClient.connect: nested retry and rateLimit options are checked too", async () => {
    const retry = await refusal(() =>
      CalicoClient.connect({ kubeconfigPath: "/nowhere", retry: { attemps: 3 } } as never),
    );
    expect(retry.causes).toEqual([
      { field: "retry.attemps", message: 'unknown option: did you mean "attempts"?' },
    ]);
    const types = await refusal(() =>
      CalicoClient.connect({ api: "v2", requestTimeoutMs: "10s" } as never),
    );
    expect(types._tag).toBe("Config");
    expect(types.causes.map((c) => c.field)).toEqual(["api", "requestTimeoutMs"]);
  });

  it("RateLimiter: a missing key is named as required", () => {
    expect(() => new RateLimiter({ qps: 5 } as never)).toThrow(/burst: required/);
  });
});

describe("loadKubeConfig", () => {
  it("expands a leading ~/ to the home directory", () => {
    const error = (() => {
      try {
        loadKubeConfig({ kubeconfigPath: "~/.calicokit-no-such-kubeconfig" });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ _tag: "Config" });
    expect(String((error as Error).message)).toContain(
      join(homedir(), ".calicokit-no-such-kubeconfig"),
    );
  });

  it("reads a kubeconfig given with ~/ (relative to HOME)", () => {
    const home = mkdtempSync(join(homedir(), ".calicokit-home-"));
    const file = join(home, "config");
    writeFileSync(
      file,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{ name: c, cluster: { server: 'https://10.0.0.1:6443' } }]",
        "users: [{ name: u, user: { token: t } }]",
        "contexts: [{ name: x, context: { cluster: c, user: u } }]",
        "current-context: x",
      ].join("\n"),
    );
    const relative = `~/${file.slice(homedir().length + 1)}`;
    try {
      expect(loadKubeConfig({ kubeconfigPath: relative }).getCurrentCluster()?.server).toBe(
        "https://10.0.0.1:6443",
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses unknown keys", () => {
    expect(() => loadKubeConfig({ path: "/x" } as never)).toThrow(/path: unknown option/);
  });
});
