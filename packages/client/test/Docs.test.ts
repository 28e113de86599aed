import { readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { resolve } from "node:path";
import { format } from "node:util";
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

  it("say what they print", () => {
    expect(blocks.join("\n").match(/\/\/ prints: /g)?.length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((code, i) => [i + 1, code] as const))("example %i runs", async (_, code) => {
    // `console.log(...); // prints: <text>`: what that line prints, checked; `...` ends a prefix
    const expected = new Map<number, string>();
    const body = code
      .split("\n")
      .map((line, i) => {
        const printed = /\/\/ prints: (.*)$/.exec(line);
        if (printed === null) return line;
        expected.set(i, printed[1] as string);
        return line.replace("console.log(", `print(${i}, `);
      })
      .filter((line) => !line.startsWith("import "))
      .join("\n");
    const printedBy = new Map<number, string[]>();
    const print = (line: number, ...args: unknown[]) => {
      printedBy.set(line, [...(printedBy.get(line) ?? []), format(...args)]);
    };
    // the examples' imports, provided as parameters
    const scope = [...Object.entries(clientModule), ["print", print] as const];
    const run = new AsyncFunction(...scope.map(([name]) => name), stripTypeScriptTypes(body));
    const log = console.log;
    console.log = () => {};
    try {
      await run(...scope.map(([, value]) => value));
    } finally {
      console.log = log;
    }
    for (const [line, text] of expected) {
      const outputs = printedBy.get(line) ?? [];
      expect(outputs.length, `line ${line + 1} printed nothing`).toBeGreaterThan(0);
      for (const output of outputs) {
        if (text.endsWith("...")) expect(output.startsWith(text.slice(0, -3))).toBe(true);
        else expect(output).toBe(text);
      }
    }
  });
});
