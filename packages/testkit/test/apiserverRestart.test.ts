import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, KubeHttp, startControlPlane, TestkitError } from "../src/index.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("restarting and pausing kube-apiserver", () => {
  let cp: ControlPlane;
  let api: KubeHttp;
  const peers = "/apis/projectcalico.org/v3/bgppeers";

  beforeAll(async () => {
    cp = await startControlPlane({ calicoApi: "v3" });
    // made once, before any restart: what a client holding the first url and CA sees
    api = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
  });
  afterAll(async () => {
    api?.close();
    await cp?.stop();
  });

  const createPeer = async () => {
    const name = `r-${randomUUID().slice(0, 8)}`;
    const res = await api.request({
      method: "POST",
      path: peers,
      body: { apiVersion: "projectcalico.org/v3", kind: "BGPPeer", metadata: { name }, spec: {} },
    });
    expect(res.status, res.text).toBe(201);
    return name;
  };

  it.each(["SIGTERM", "SIGKILL"] as const)(
    "after a %s restart serves the same data on the same port with the same CA",
    { timeout: 180_000 },
    async (signal) => {
      const name = await createPeer();
      const before = cp.pids;
      await cp.restartApiserver({ signal });
      expect(alive(before.apiserver)).toBe(false);
      expect(cp.pids.apiserver).not.toBe(before.apiserver);
      expect(cp.pids.etcd).toBe(before.etcd);
      expect(alive(cp.pids.apiserver)).toBe(true);
      const read = await api.request({ method: "GET", path: `${peers}/${name}` });
      expect(read.status, read.text).toBe(200);
      // the CRDs are served again, not just stored: a new object can be written
      await createPeer();
    },
  );

  it("answers nothing while paused and everything once it runs again", async () => {
    let resumed = false;
    const paused = cp.pauseApiserver(1_000);
    const answer = api
      .request({ method: "GET", path: "/readyz" })
      .then((res) => ({ status: res.status, whilePaused: !resumed }));
    await paused;
    resumed = true;
    expect(await answer).toEqual({ status: 200, whilePaused: false });
  });

  it("refuses bad options and changes nothing", async () => {
    const pid = cp.pids.apiserver;
    const badPause = await cp.pauseApiserver(-1).catch((e: unknown) => e);
    expect(badPause).toBeInstanceOf(TestkitError);
    expect((badPause as TestkitError)._tag).toBe("InvalidOption");
    expect((badPause as TestkitError).message).toContain("ms must be a finite number >= 0");
    const badSignal = await cp
      .restartApiserver({ signal: "SIGHUP" } as never)
      .catch((e: unknown) => e);
    expect((badSignal as TestkitError)._tag).toBe("InvalidOption");
    expect((badSignal as TestkitError).message).toContain("signal");
    const unknown = await cp.restartApiserver({ wait: 5 } as never).catch((e: unknown) => e);
    expect((unknown as TestkitError).message).toContain("unknown option wait");
    expect(cp.pids.apiserver).toBe(pid);
    expect(alive(pid)).toBe(true);
  });
});
