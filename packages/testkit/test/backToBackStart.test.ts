import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KubeHttp, startControlPlane } from "../src/index.js";
import { readServingCa } from "../src/internal/ServingCa.js";

const starts = 20;
const atOnce = 2;

/** Starts a control plane, checks it answers over TLS with the CA it handed out, stops it. */
async function startOnce(): Promise<string | undefined> {
  try {
    const cp = await startControlPlane({ calicoApi: "none" });
    try {
      const api = cp.http();
      const ready = await api.request({ method: "GET", path: "/readyz" });
      api.close();
      return ready.status === 200 ? undefined : `/readyz answered ${ready.status}`;
    } finally {
      await cp.stop();
    }
  } catch (error) {
    return String(error);
  }
}

describe("control plane start", () => {
  it(`succeeds ${starts} times back to back, ${atOnce} at a time`, {
    timeout: 600_000,
  }, async () => {
    const results: (string | undefined)[] = [];
    for (let i = 0; i < starts; i += atOnce) {
      results.push(...(await Promise.all(Array.from({ length: atOnce }, startOnce))));
    }
    expect(results).toHaveLength(starts);
    expect(results.filter((failure) => failure !== undefined)).toEqual([]);
  });

  it("takes the apiserver's CA file only once it is whole, never a torn write", async () => {
    const cp = await startControlPlane({ calicoApi: "none" });
    const whole = readFileSync(join(cp.dataDir, "pki", "apiserver.crt"), "utf8");
    const firstEnd =
      whole.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length;
    // why a torn read never recovers: a client trusting it fails every handshake
    const handshake = async (caData: string) => {
      const api = new KubeHttp({ url: cp.url, caData, token: cp.admin.token });
      try {
        return (await api.request({ method: "GET", path: "/readyz" })).status;
      } catch (error) {
        return (error as Error).message;
      } finally {
        api.close();
      }
    };
    try {
      expect(await handshake("")).toMatch(/certificate/);
      expect(await handshake(whole.slice(0, firstEnd))).toMatch(/certificate/);
      expect(await handshake(whole)).toBe(200);
    } finally {
      await cp.stop();
    }
    const dir = mkdtempSync(join(tmpdir(), "calicokit-torn-"));
    try {
      const file = join(dir, "apiserver.crt");
      expect(readServingCa(file)).toBeUndefined(); // not created yet
      // every cut a non-atomic write can leave: empty, mid-certificate, after the serving
      // certificate but before its CA
      const taken: number[] = [];
      for (let length = 0; length < whole.length; length++) {
        writeFileSync(file, whole.slice(0, length));
        if (readServingCa(file) !== undefined) taken.push(length);
      }
      const caEnd =
        whole.lastIndexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length;
      // only the whole bundle, perhaps short of its final newline
      expect(taken.every((length) => length >= caEnd)).toBe(true);
      writeFileSync(file, whole);
      expect(readServingCa(file)).toBe(whole);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
