import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { uniqueName } from "@calicokit/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrationModule } from "../src/routes/MigrationRoutes.js";
import { caller, migrationRights, startTestServer, type TestServer } from "./support.js";

const cp = inject("controlPlanes").v3;
const schemathesis = join(import.meta.dirname, "../../../.tools/venv/bin/schemathesis");
const artifacts = join(import.meta.dirname, "../test-artifacts");
let server: TestServer;
let operator: string;

beforeAll(async () => {
  server = await startTestServer(cp, { modules: [migrationModule()] });
  operator = await caller(cp, server.namespace, uniqueName("fuzzer"), [
    migrationRights("get", "list", "create", "update"),
    {
      apiGroups: ["projectcalico.org"],
      resources: ["bgppeers", "bgpconfigurations", "ippools", "caliconodestatuses"],
      verbs: ["get", "list", "create", "patch", "delete"],
    },
    // no "list": GET /v1/bgp/status without nodes would ask every Node of the shared control
    // plane (other tests create some) and wait its 30 s for a calico-node that is not there
    { apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] },
  ]);
});
afterAll(async () => {
  await server?.close();
});

describe("calicokit-server under random input", () => {
  it("documents every route it serves in /openapi.json", async () => {
    const doc = (await (await fetch(new URL("/openapi.json", server.url))).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = server.app.routes
      .filter((r) => r.method !== "ALL" && r.path !== "/openapi.json")
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(served.length).toBeGreaterThan(15);
    expect(new Set(documented)).toEqual(new Set(served));
  });

  it("never answers a random body, header or path with a 5xx (fast-check)", async () => {
    const paths = [
      "/v1/plans",
      "/v1/migrations",
      "/v1/migrations/mig-202611302105-ab12cd/approve",
      "/v1/migrations/mig-202611302105-ab12cd/cancel",
      "/v1/migrations/mig-202611302105-ab12cd/rollback",
    ];
    const body = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .record(
          {
            to: fc.oneof(fc.constantFrom("route-reflectors", "mesh", "reflector-set"), fc.string()),
            rrNodes: fc.array(fc.string()),
            rrCount: fc.oneof(fc.integer(), fc.double()),
            clusterId: fc.string(),
            requireApproval: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((request) => JSON.stringify(fc.sample(fc.boolean(), 1)[0] ? { request } : request)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        body,
        fc.option(fc.string({ maxLength: 300 })),
        fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8"),
        async (path, text, key, type) => {
          const res = await fetch(new URL(path, server.url), {
            method: "POST",
            headers: {
              authorization: `Bearer ${operator}`,
              "content-type": type,
              ...(key === null || /[^\x21-\x7e]/.test(key) ? {} : { "idempotency-key": key }),
            },
            body: text,
          });
          const answer = await res.text();
          expect(res.status, `${path} ${text} -> ${answer}`).toBeLessThan(500);
          if (res.status >= 400)
            expect(res.headers.get("content-type")).toBe("application/problem+json");
        },
      ),
      { numRuns: 150 },
    );
  });

  it("schemathesis finds no 5xx and no response outside the schema, on every documented route", async () => {
    if (!existsSync(schemathesis)) {
      throw new Error(`${schemathesis} is missing: run make test-tools (schemathesis from PyPI)`);
    }
    mkdirSync(artifacts, { recursive: true });
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        schemathesis,
        [
          "run",
          `${server.url}/openapi.json`,
          "--header",
          `Authorization: Bearer ${operator}`,
          "--checks",
          "not_a_server_error,response_schema_conformance,content_type_conformance",
          "--phases",
          "examples,coverage,fuzzing",
          "--max-examples",
          "15",
          "--generation-deterministic",
          // above the server's own request deadline (60 s), so only the server's answer counts
          "--request-timeout",
          "90",
          "--no-color",
          "--report",
          "junit",
          "--report-junit-path",
          join(artifacts, "schemathesis.xml"),
        ],
        { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({
            code: error ? ((error as { code?: number }).code ?? 1) : 0,
            output: stdout + stderr,
          }),
      );
    });
    expect(result.code, result.output).toBe(0);
  }, 600_000);
});
