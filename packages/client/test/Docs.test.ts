import { readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { resolve } from "node:path";
import { KubeHttp } from "@calicokit/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as clientModule from "../src/index.js";
// brings in the typing of inject("controlPlanes")
import type {} from "./support.js";

// docs/client.md: every ```ts block runs, in order, against the v3 control plane, through the
// default kubeconfig chain ($KUBECONFIG), as a reader would run it.
const cp = inject("controlPlanes").v3;
const doc = readFileSync(resolve(import.meta.dirname, "../../../docs/client.md"), "utf8");
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);

type AsyncFn = (...args: unknown[]) => Promise<void>;
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => AsyncFn;

describe("docs/client.md", () => {
  const previous = process.env.KUBECONFIG;
  const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });

  beforeAll(async () => {
    process.env.KUBECONFIG = cp.admin.kubeconfigPath;
    await admin.request({
      method: "POST",
      path: "/api/v1/nodes",
      body: { metadata: { name: "docs-worker-1" } },
    });
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = previous;
  });

  it("has examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
  });

  it.each(blocks.map((code, i) => [i + 1, code] as const))("example %i runs", async (_, code) => {
    const body = code
      .split("\n")
      .filter((line) => !line.startsWith("import "))
      .join("\n");
    // the examples' imports, provided as parameters
    const scope = Object.entries(clientModule);
    const run = new AsyncFunction(...scope.map(([name]) => name), stripTypeScriptTypes(body));
    const logged: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => logged.push(args);
    try {
      await run(...scope.map(([, value]) => value));
    } finally {
      console.log = log;
    }
  });
});
