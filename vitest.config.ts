import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests run on the TypeScript sources of workspace packages (the "@calicokit/source" export
// condition), so `vitest` needs no build first.
const conditions = ["@calicokit/source", ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    reporters: ["default", "./packages/testkit/src/vitest/SummaryLineReporter.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "apps/*/src/**/*.test.ts"],
          // property tests run thousands of cases while control planes and BIRD share the two
          // cores: a deadline for a loaded machine, not a speed claim (those live in bench/)
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
          globalSetup: ["packages/testkit/src/vitest/globalSetup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
