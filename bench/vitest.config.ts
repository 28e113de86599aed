import { defineConfig } from "vitest/config";

// Benchmarks measure what users run: the built packages (dist/), loaded by Node itself rather
// than through vitest's module runner, whose live-binding getters would cost on hot paths.
export default defineConfig({
  test: {
    include: ["**/*.bench.ts"],
    benchmark: { include: ["**/*.bench.ts"] },
    server: { deps: { external: [/\/packages\/[^/]+\/dist\//] } },
  },
});
