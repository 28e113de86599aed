import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type FaultProxy, KubeHttp, startFaultProxy } from "../src/index.js";

const cp = inject("controlPlanes").v3;
const peers = "/apis/projectcalico.org/v3/bgppeers";
const peer = (name: string) => ({
  apiVersion: "projectcalico.org/v3",
  kind: "BGPPeer",
  metadata: { name },
  spec: { peerIP: "10.1.0.1", asNumber: 64512 },
});
const unique = () => `fp-${randomUUID().slice(0, 8)}`;

describe("fault proxy in front of the real apiserver", () => {
  let proxy: FaultProxy;
  let api: KubeHttp;
  const direct = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: cp.url, caData: cp.caData });
    api = new KubeHttp({ url: proxy.url, token: cp.admin.token });
  });
  afterAll(async () => {
    api.close();
    await proxy.stop();
  });

  it("passes requests through untouched when no rule matches", async () => {
    const res = await api.request({ method: "GET", path: peers });
    expect(res.status).toBe(200);
    expect(res.json<{ kind: string }>().kind).toBe("BGPPeerList");
  });

  it("authenticates a request without credentials as its bearerToken (kubectl over plain HTTP), and only then", async () => {
    const anonymous = new KubeHttp({ url: proxy.url });
    const authenticating = await startFaultProxy({
      target: cp.url,
      caData: cp.caData,
      bearerToken: cp.admin.token,
    });
    const viaToken = new KubeHttp({ url: authenticating.url });
    const wrongToken = new KubeHttp({ url: authenticating.url, token: "not-a-token" });
    try {
      expect((await anonymous.request({ method: "GET", path: peers })).status).toBe(401);
      expect((await viaToken.request({ method: "GET", path: peers })).status).toBe(200);
      // credentials the client sends are its own: never replaced
      expect((await wrongToken.request({ method: "GET", path: peers })).status).toBe(401);
    } finally {
      for (const client of [anonymous, viaToken, wrongToken]) client.close();
      await authenticating.stop();
    }
  });

  it("answers 429 with Retry-After the scripted number of times, then lets requests through", async () => {
    const name = unique();
    const rule = proxy.inject({
      method: "POST",
      path: peers,
      times: 2,
      action: { kind: "respond", status: 429, retryAfterSeconds: 3 },
    });
    for (let i = 0; i < 2; i++) {
      const res = await api.request({ method: "POST", path: peers, body: peer(name) });
      expect(res.status).toBe(429);
      expect(res.headers["retry-after"]).toBe("3");
      expect(res.json<{ reason: string }>().reason).toBe("TooManyRequests");
    }
    const third = await api.request({ method: "POST", path: peers, body: peer(name) });
    expect(third.status).toBe(201);
    expect(rule.hits).toBe(2);
  });

  it("lets a write commit and then answers 500 (an ambiguous failure)", async () => {
    const name = unique();
    proxy.inject({ method: "POST", path: peers, action: { kind: "failAfterCommit" } });
    const res = await api.request({ method: "POST", path: peers, body: peer(name) });
    expect(res.status).toBe(500);
    const stored = await direct.request({ method: "GET", path: `${peers}/${name}` });
    expect(stored.status).toBe(200);
  });

  it("answers 503 without forwarding", async () => {
    const name = unique();
    proxy.inject({ method: "POST", path: peers, action: { kind: "respond", status: 503 } });
    const res = await api.request({ method: "POST", path: peers, body: peer(name) });
    expect(res.status).toBe(503);
    expect((await direct.request({ method: "GET", path: `${peers}/${name}` })).status).toBe(404);
  });

  it("resets the connection without forwarding", async () => {
    const name = unique();
    proxy.inject({ method: "POST", path: peers, action: { kind: "reset" } });
    await expect(api.request({ method: "POST", path: peers, body: peer(name) })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await direct.request({ method: "GET", path: `${peers}/${name}` })).status).toBe(404);
  });

  it("delays a request by the scripted time", async () => {
    proxy.inject({ method: "GET", path: peers, action: { kind: "delay", ms: 300 } });
    const started = Date.now();
    const res = await api.request({ method: "GET", path: peers });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("holds a request at a barrier, unforwarded, until the test releases it", async () => {
    const name = unique();
    const barrier = proxy.inject({ method: "POST", path: peers, action: { kind: "hold" } });
    let answered = false;
    const held = api.request({ method: "POST", path: peers, body: peer(name) }).then((res) => {
      answered = true;
      return res;
    });
    await barrier.reached();
    expect((await direct.request({ method: "GET", path: `${peers}/${name}` })).status).toBe(404);
    expect(answered).toBe(false);
    barrier.release();
    expect((await held).status).toBe(201);
    expect(barrier.hits).toBe(1);
    // reached() of a count already hit resolves at once
    await barrier.reached(1);
  });

  it("cuts a watch stream after the scripted number of events", async () => {
    const names = [unique(), unique(), unique()];
    for (const name of names) {
      await direct.request({ method: "POST", path: peers, body: peer(name) });
    }
    proxy.inject({ path: peers, watch: true, action: { kind: "cutWatch", afterEvents: 1 } });
    const stream = await api.open({ method: "GET", path: `${peers}?watch=true&resourceVersion=0` });
    expect(stream.statusCode).toBe(200);
    let received = "";
    const ended = await new Promise<string>((resolve) => {
      stream.on("data", (chunk: Buffer) => {
        received += chunk.toString("utf8");
      });
      stream.on("error", () => resolve("error"));
      stream.on("aborted", () => resolve("aborted"));
      stream.on("close", () => resolve("close"));
    });
    expect(["error", "aborted", "close"]).toContain(ended);
    expect(stream.complete).toBe(false);
    expect(received).toContain('"type":"ADDED"');
    expect(proxy.requests.some((r) => r.fault === "cutWatch")).toBe(true);
  });
});
