import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Benchmarks run on the TypeScript sources of workspace packages, like the tests.
const conditions = ["@calicokit/source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["**/*.bench.ts"],
    benchmark: { include: ["**/*.bench.ts"] },
  },
});
