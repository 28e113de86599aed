// Bundles the CLI into dist/bundle: one ESM entry and lazily loaded chunks per command group,
// the workspace packages taken from their TypeScript sources. `pnpm run build` runs it after
// tsc; the acceptance tests bundle into a directory of their own with the same options.
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
// yaml's ESM build (its "default" export condition) instead of the CommonJS one esbuild takes
// for Node: ESM is tree-shaken and starts faster (the CLI's cold start is a target).
const yamlEsm = join(
  dirname(createRequire(import.meta.url).resolve("yaml/package.json")),
  "browser",
  "index.js",
);

/** Writes the bundle to `outdir` (emptied first) and returns the entry's path. */
export async function bundleCli(outdir = join(here, "dist", "bundle")) {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(here, "src", "calicokit.ts")],
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    conditions: ["@calicokit/source"],
    outdir,
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "warning",
    legalComments: "none",
    // less to parse on every start
    minify: true,
    alias: { yaml: yamlEsm },
    // CommonJS dependencies call require(): give the ESM bundle one
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
  });
  return join(outdir, "calicokit.js");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await bundleCli();
