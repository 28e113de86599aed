import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { KubeHttp } from "@calicokit/testkit";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";

// The SDK as another team's project sees it: `make pack` into a scratch folder outside the
// workspace, the tarballs installed there with plain npm, and the files of docs/sdk.md written,
// type-checked and run against the control plane of this test run.
const root = resolve(import.meta.dirname, "../../..");
const cp = inject("controlPlanes").v3;

// docs/sdk.md's fenced blocks whose info string names them: ```ts main.ts, ```text output
const doc = readFileSync(join(root, "docs/sdk.md"), "utf8");
const named = new Map(
  [...doc.matchAll(/^```\w+ ([\w.-]+)\n([\s\S]*?)^```/gm)].map(
    (m) => [m[1] as string, m[2] as string] as const,
  ),
);
const projectFiles = [...named].filter(([name]) => name.includes("."));
const expectedOutput = named.get("output");

// the published packages: every package under packages/ that is not private (as `make pack`)
const publicPackages = readdirSync(join(root, "packages"))
  .map((dir) => ({ dir, pkg: readJson(join(root, "packages", dir, "package.json")) }))
  .filter(({ pkg }) => pkg.private !== true)
  .map(({ dir, pkg }) => ({ dir, name: String(pkg.name), version: String(pkg.version) }));

// the workspace's TypeScript and Node types, so the scratch install hits the npm cache
const catalog = (parse(readFileSync(join(root, "pnpm-workspace.yaml"), "utf8")) as Manifest)
  .catalog as Record<string, string>;

type Manifest = Record<string, unknown>;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The file `pnpm pack` writes for a package: `@calicokit/types` 0.1.0 -> calicokit-types-0.1.0.tgz */
function tarballName(p: { name: string; version: string }): string {
  return `${p.name.replace("@", "").replace("/", "-")}-${p.version}.tgz`;
}

function readJson(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/** Runs a command to its end; never rejects, the outcome says how it went. */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Outcome> {
  return new Promise((done) => {
    execFile(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

function explain(step: string, outcome: Outcome): string {
  return `${step} exited with ${outcome.code}\n${outcome.stdout}\n${outcome.stderr}`;
}

describe("the SDK installed outside the workspace", () => {
  let scratch = "";
  let packs = "";
  let project = "";
  let packed: Outcome;
  let tarballs: string[] = [];

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "calicokit-consumer-"));
    packs = join(scratch, "packs");
    project = join(scratch, "project");
    packed = await run("make", ["--no-print-directory", "pack", `PACKS=${packs}`], { cwd: root });
    tarballs = packed.code === 0 ? (await readdir(packs)).sort() : [];
  }, 600_000);

  afterAll(async () => {
    if (scratch !== "") await rm(scratch, { recursive: true, force: true });
  });

  it("make pack packs every public package and publint and attw accept each", () => {
    expect(packed.code, explain("make pack", packed)).toBe(0);
    expect(publicPackages.map((p) => p.name).sort()).toEqual([
      "@calicokit/client",
      "@calicokit/lab",
      "@calicokit/testkit",
      "@calicokit/types",
      "@calicokit/workflows",
    ]);
    expect(tarballs).toEqual(publicPackages.map(tarballName).sort());
  });

  it.each(publicPackages)(
    "$name's tarball holds dist, README and LICENSE, no sources or tests",
    async ({ name, version }) => {
      const tarball = join(packs, tarballName({ name, version }));
      const listing = await run("tar", ["-tzf", tarball], { cwd: scratch });
      expect(listing.code, explain("tar", listing)).toBe(0);
      const entries = listing.stdout.split("\n").filter((line) => line !== "");
      expect(entries).toEqual(
        expect.arrayContaining(
          [
            "package.json",
            "README.md",
            "LICENSE",
            "dist/index.js",
            "dist/index.js.map",
            "dist/index.d.ts",
            "dist/index.d.ts.map",
          ].map((file) => `package/${file}`),
        ),
      );
      expect(entries.filter((e) => /^package\/(src|test)\/|\.test\.|tsbuildinfo/.test(e))).toEqual(
        [],
      );

      const read = async (file: string) =>
        (await run("tar", ["-xzOf", tarball, `package/${file}`], { cwd: scratch })).stdout;
      // the sources are not shipped, so the source maps carry them
      const map = JSON.parse(await read("dist/index.js.map")) as { sourcesContent?: string[] };
      expect(map.sourcesContent?.[0]).toContain("export");

      const manifestText = await read("package.json");
      const manifest = JSON.parse(manifestText) as Manifest;
      expect(manifest).toMatchObject({
        name,
        version,
        license: "Apache-2.0",
        type: "module",
        sideEffects: false,
        engines: { node: ">=22.19" },
        exports: { "./package.json": "./package.json" },
      });
      expect(manifest.private).toBeUndefined();
      // consumers resolve dist only: the workspace's source condition is gone
      expect(manifestText).not.toContain("@calicokit/source");
      const dependencies = (manifest.dependencies ?? {}) as Record<string, string>;
      for (const [dependency, range] of Object.entries(dependencies)) {
        expect(range, `${name} -> ${dependency}`).not.toMatch(/^(workspace|catalog):/);
        // a dependency on another calicokit package is one that is packed, at its version
        if (dependency.startsWith("@calicokit/")) {
          expect(
            publicPackages.map((p) => `${p.name}@${p.version}`),
            `${name} -> ${dependency}`,
          ).toContain(`${dependency}@${range}`);
        }
      }
    },
  );

  it("npm installs the tarballs into a project outside the workspace", async () => {
    expect(project.startsWith(root)).toBe(false);
    await mkdir(project);
    for (const [name, content] of projectFiles) await writeFile(join(project, name), content);
    const installed = await run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--prefer-offline",
        "--loglevel=error",
        "--ignore-scripts",
        "--no-package-lock",
        ...tarballs.map((t) => join(packs, t)),
        `typescript@${catalog.typescript}`,
        `@types/node@${catalog["@types/node"]}`,
      ],
      { cwd: project },
    );
    expect(installed.code, explain("npm install", installed)).toBe(0);

    // every package resolves to its dist in the project's node_modules, and loads
    const names = publicPackages.map((p) => p.name);
    const loaded = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `for (const name of ${JSON.stringify(names)}) { await import(name); console.log(import.meta.resolve(name)); }`,
      ],
      { cwd: project },
    );
    expect(loaded.code, explain("import", loaded)).toBe(0);
    expect(loaded.stdout.trim().split("\n")).toEqual(
      names.map(
        (name) => pathToFileURL(join(project, "node_modules", name, "dist", "index.js")).href,
      ),
    );
  }, 300_000);

  it("docs/sdk.md's program, the READMEs' examples and every package's declarations type-check (strict, NodeNext)", async () => {
    expect(projectFiles.map(([name]) => name)).toEqual([
      "package.json",
      "tsconfig.json",
      "main.ts",
    ]);
    // besides the program: every package's declarations, as a strict consumer compiles them,
    // and the examples of the READMEs the registry shows
    await writeFile(
      join(project, "declarations.ts"),
      publicPackages.map((p) => `import type {} from "${p.name}";\n`).join(""),
    );
    for (const { dir } of publicPackages) {
      const readme = readFileSync(join(root, "packages", dir, "README.md"), "utf8");
      for (const [i, m] of [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].entries()) {
        await writeFile(join(project, `readme-${dir}-${i + 1}.ts`), m[1] as string);
      }
    }
    const checked = await run(join(project, "node_modules", ".bin", "tsc"), ["--pretty", "false"], {
      cwd: project,
    });
    expect(checked.code, explain("tsc", checked)).toBe(0);
    expect(checked.stdout).toBe("");
  }, 300_000);

  it("the program runs against the control plane and prints what the page shows", async () => {
    const env = { PATH: process.env.PATH, HOME: scratch, KUBECONFIG: cp.admin.kubeconfigPath };
    const ran = await run(process.execPath, ["main.ts"], { cwd: project, env });
    expect(ran.code, explain("node main.ts", ran)).toBe(0);
    expect(ran.stdout).toBe(expectedOutput);

    // it deleted what it created
    const admin = new KubeHttp({ url: cp.url, caData: cp.caData, token: cp.admin.token });
    const left = await admin.request({
      method: "GET",
      path: "/apis/projectcalico.org/v3/bgppeers/tor-a",
    });
    expect(left.status).toBe(404);
  }, 120_000);
});
