import { uniqueName } from "@calicokit/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrationModule } from "../src/routes/MigrationRoutes.js";
import {
  caller,
  migrationRights,
  spawnServer,
  startTestServer,
  type TestServer,
} from "./support.js";

const cp = inject("controlPlanes").v3;
const group = "projectcalico.org";
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(cp, { modules: [migrationModule()], bodyLimitBytes: 4096 });
});
afterAll(async () => {
  await server?.close();
});

function get(path: string, token?: string, headers: Record<string, string> = {}) {
  return fetch(new URL(path, server.url), {
    headers: { ...headers, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
  });
}

describe("calicokit-server basics", () => {
  it("serves /healthz, /readyz (the cluster and its Calico API) and /metrics without a token", async () => {
    expect(await (await get("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready", api: "projectcalico.org/v3" });
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toContain(
      'calicokit_http_request_duration_seconds_count{method="GET",route="/readyz",status="200"} 1',
    );
  });

  it("documents every route in OpenAPI 3.1 and serves a reference page", async () => {
    const doc = (await (await get("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, object>;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/healthz",
        "/readyz",
        "/metrics",
        "/docs",
        "/v1/resources/{kind}",
        "/v1/resources/{kind}/{name}",
        "/v1/bgp/status",
      ]),
    );
    const page = await get("/docs");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("/openapi.json");
  });

  it("answers 401 problem+json without a token, with a malformed header and with a bad token", async () => {
    for (const res of [
      await get("/v1/resources/bgppeers"),
      await get("/v1/resources/bgppeers", undefined, { authorization: "Basic abc" }),
      await get("/v1/resources/bgppeers", "not-a-real-token"),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(await res.json()).toMatchObject({
        type: "urn:calicokit:problem:unauthenticated",
        status: 401,
      });
    }
    const logged = server.logs.join("");
    expect(logged).not.toContain("not-a-real-token");
  });

  it("answers 403 naming the permission a valid user lacks, and serves what RBAC allows", async () => {
    const nobody = await caller(cp, server.namespace, uniqueName("nobody"), []);
    const denied = await get("/v1/resources/bgppeers", nobody);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      type: "urn:calicokit:problem:forbidden",
      missing: { verb: "list", group, resource: "bgppeers" },
    });

    const reader = await caller(cp, server.namespace, uniqueName("reader"), [
      { apiGroups: [group], resources: ["bgpconfigurations"], verbs: ["get", "list"] },
    ]);
    const list = await get("/v1/resources/bgpconfigurations", reader);
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ items: expect.any(Array) });
    const missing = await get("/v1/resources/bgpconfigurations/no-such-config", reader);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "urn:calicokit:problem:not-found" });
    // the same reader may not read peers
    expect((await get("/v1/resources/bgppeers/x", reader)).status).toBe(403);
  });

  it("refuses unknown kinds, unknown query parameters and unknown routes with 400/404 problems", async () => {
    const reader = await caller(cp, server.namespace, uniqueName("reader"), [
      { apiGroups: [group], resources: ["bgppeers"], verbs: ["list"] },
    ]);
    const kind = await get("/v1/resources/secrets", reader);
    expect(kind.status).toBe(400);
    expect(((await kind.json()) as { reasons: string[] }).reasons[0]).toMatch(/^kind: /);
    const query = await get("/v1/resources/bgppeers?watch=true", reader);
    expect(query.status).toBe(400);
    expect(((await query.json()) as { reasons: string[] }).reasons[0]).toContain("watch");
    const route = await get("/v2/nothing", reader);
    expect(route.status).toBe(404);
    expect(route.headers.get("content-type")).toBe("application/problem+json");
  });
  it("refuses a body over the limit (413) and a body that is not JSON (415), as problems", async () => {
    const planner = await caller(cp, server.namespace, uniqueName("planner"), [
      migrationRights("create"),
    ]);
    const send = (body: string, type: string) =>
      fetch(new URL("/v1/plans", server.url), {
        method: "POST",
        headers: { authorization: `Bearer ${planner}`, "content-type": type },
        body,
      });
    const big = await send(
      JSON.stringify({ to: "mesh", pad: "x".repeat(8192) }),
      "application/json",
    );
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ type: "urn:calicokit:problem:payload-too-large" });
    const text = await send("to=mesh", "text/plain");
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({
      type: "urn:calicokit:problem:unsupported-media-type",
    });
    const unknown = await send(JSON.stringify({ to: "mesh", force: true }), "application/json");
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { reasons: string[] }).reasons.join()).toContain("force");
  });

  it("the calicokit-server process stops cleanly on SIGTERM and refuses unknown flags", async () => {
    const child = await spawnServer(server.kubeconfigPath, server.namespace);
    const exited = new Promise<number | null>((resolve) => child.child.once("exit", resolve));
    child.child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(child.output()).toContain('"msg":"stopped"');
    await expect(spawnServer(server.kubeconfigPath, "Bad_Namespace")).rejects.toThrow(
      /--namespace/,
    );
    // two processes start from the TypeScript sources: slow on a loaded machine
  }, 240_000);
});
