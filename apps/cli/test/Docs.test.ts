import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CalicoClient } from "@calicokit/client";
import type {} from "@calicokit/testkit/vitest-global-setup";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildCli, kubeconfigFile, runCli, scratch } from "./support.js";

// Every `console` block of docs/cli.md runs here: each `$ calicokit ...` line against the v3
// control plane, in a folder holding the doc's `yaml file=NAME` blocks; the lines after it are
// its stdout then stderr, with `exit N` first when it does not exit 0.

const doc = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "../../../docs/cli.md"),
  "utf8",
);
const cp = inject("controlPlanes").v3;
let cli: string;
let kubeconfig: string;

interface Example {
  readonly command: string;
  readonly code: number;
  readonly output: string;
}

const blocks = (info: RegExp) =>
  [...doc.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].filter((m) => info.test(m[1] as string));

const examples: Example[] = blocks(/^console$/).flatMap((m) =>
  (m[2] as string)
    .split(/^(?=\$ )/m)
    .filter((chunk) => chunk.trim() !== "")
    .map((chunk) => {
      const [first, ...rest] = chunk.split("\n");
      const exit = /^exit (\d+)$/.exec(rest[0] ?? "");
      const output = (exit ? rest.slice(1) : rest).join("\n");
      return { command: (first as string).slice(2), code: exit ? Number(exit[1]) : 0, output };
    }),
);

/** Splits a shell line into words: spaces separate, '...' and "..." quote. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? (m[3] as string),
  );
}

// The server's bookkeeping differs on every run.
function withoutBookkeeping(text: string): string {
  if (!text.startsWith("{")) return text;
  const value = JSON.parse(text);
  for (const key of ["uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"])
    delete value.metadata?.[key];
  return `${JSON.stringify(value, null, 2)}\n`;
}

beforeAll(async () => {
  cli = await buildCli();
  kubeconfig = kubeconfigFile(cp);
  for (const m of blocks(/^yaml file=/))
    writeFileSync(join(scratch, (m[1] as string).slice("yaml file=".length)), m[2] as string);
  const client = await CalicoClient.connect({ kubeconfigPath: kubeconfig });
  try {
    await client.bgpPeers.delete("docs-peer").catch(() => undefined);
  } finally {
    client.close();
  }
});

describe("docs/cli.md examples", () => {
  it("has examples to run", () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  it.each(examples.map((e) => [e.command, e] as const))("$ %s", async (_command, example) => {
    const [program, ...args] = words(example.command);
    expect(program).toBe("calicokit");
    const result = await runCli(cli, args, { cwd: scratch, env: { KUBECONFIG: kubeconfig } });
    expect({
      code: result.code,
      output: withoutBookkeeping(result.stdout) + result.stderr,
    }).toEqual({
      code: example.code,
      output: example.output,
    });
  });
});
