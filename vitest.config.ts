import { availableParallelism } from "node:os";
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests run on the TypeScript sources of workspace packages (the "@calicokit/source" export
// condition), so `vitest` needs no build first.
const conditions = ["@calicokit/source", ...defaultServerConditions];

// Test files run in parallel. Integration files spend most of their time waiting on
// kube-apiserver, etcd and BIRD (their timers, their sessions), so one worker more than there are
// cores keeps the cores busy (3 on the two-core machines the suite is run on).
// Bounded at 4 because a lab file brings its own control plane and BIRDs, and the suite's wall time
// is held up by its slowest files (2-3 min each) long before more workers would pay.
const maxWorkers = Math.min(availableParallelism() + 1, 4);

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    maxWorkers,
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
