import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  type DocExample,
  exampleModule,
  jsdocExamples,
  markdownExamples,
} from "./support/DocExamples.js";

// Every ```ts block of docs/*.md and every JSDoc @example of the packages' sources is compiled
// by tsc with the project's strict flags, as a module of its own that sees the packages'
// sources: an example that does not type-check fails here, naming its file and line.
const root = resolve(import.meta.dirname, "../../..");
const packages: Record<string, string> = {
  "@calicokit/types": "packages/types",
  "@calicokit/testkit": "packages/testkit",
  "@calicokit/client": "packages/client",
  "@calicokit/lab": "packages/lab",
  "@calicokit/workflows": "packages/workflows",
};
// what an example of a package may use without making it: the object every page is about
const givens: Record<string, Record<string, string>> = {
  "@calicokit/testkit": { cp: "ControlPlane" },
  "@calicokit/client": { client: "CalicoClient" },
  "@calicokit/lab": { lab: "Lab" },
};
const packageIndex = (name: string) => join(root, packages[name] as string, "src", "index.ts");
// git-ignored (under node_modules), rewritten on every run; in this package's node_modules so
// that what examples import besides the workspace packages (effect) resolves
const outDir = join(import.meta.dirname, "..", "node_modules", ".cache", "calicokit-doc-examples");

const docs = join(root, "docs");
const examples: DocExample[] = [
  ...readdirSync(docs)
    .filter((f) => f.endsWith(".md"))
    .sort()
    .flatMap((f) => markdownExamples(root, join(docs, f))),
  ...Object.values(packages).flatMap((dir) => jsdocExamples(root, join(root, dir))),
];

describe("documentation examples", () => {
  it("are found in the docs and in every package", () => {
    expect(examples.filter((e) => e.origin.startsWith("docs/")).length).toBeGreaterThanOrEqual(9);
    for (const dir of Object.values(packages)) {
      expect(
        examples.some((e) => e.origin.startsWith(`${dir}/`)),
        dir,
      ).toBe(true);
    }
  });

  it("type-check as complete programs", { timeout: 120_000 }, async () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const modules = new Map<string, { example: DocExample; preludeLines: number }>();
    examples.forEach((example, i) => {
      const file = `example-${String(i).padStart(3, "0")}.mts`;
      const scope = example.scope?.packageName ?? "";
      const { text, preludeLines } = exampleModule(example, packageIndex, givens[scope]);
      writeFileSync(join(outDir, file), text);
      modules.set(file, { example, preludeLines });
    });
    writeFileSync(
      join(outDir, "tsconfig.json"),
      JSON.stringify({
        extends: join(root, "tsconfig.base.json"),
        compilerOptions: {
          composite: false,
          declaration: false,
          declarationMap: false,
          noEmit: true,
          rootDir: root,
          customConditions: ["@calicokit/source"],
          // testkit's index augments vitest's ProvidedContext; without vitest among the types,
          // tsc does not load vitest for a program whose own files never import it
          types: ["node", "vitest"],
          paths: Object.fromEntries(Object.keys(packages).map((n) => [n, [packageIndex(n)]])),
        },
        include: ["*.mts"],
      }),
    );
    const tsc = join(root, "node_modules", ".bin", "tsc");
    const output = await promisify(execFile)(tsc, ["-p", outDir, "--pretty", "false"]).then(
      () => "",
      (error: { stdout?: string; message: string }) => error.stdout || error.message,
    );
    // example-007.mts(5,3): error TS2304: ... -> docs/client.md:12 (line 3 of the example)
    const errors = output
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => {
        const m = /(example-\d+\.mts)\((\d+),(\d+)\): (.*)$/.exec(line.trim());
        const module = m ? modules.get(m[1] as string) : undefined;
        if (!m || !module) return line;
        const [file, base] = module.example.origin.split(/:(?=\d+$)/) as [string, string];
        const exampleLine = Number(m[2]) - module.preludeLines;
        return `${file}:${Number(base) + exampleLine - 1} (example line ${exampleLine}): ${m[4]}`;
      });
    expect(errors).toEqual([]);
  });
});
