import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The tests `npm run test:mutation` runs against each mutant: those of the security and operations
 * code it mutates (src/security, src/http, the Hub client's retries and rate limits, the pull
 * engine's verification). The long soak tests (the abuse corpus, the five-process writers) stay out.
 */
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: [
        "tests/auth.test.ts",
        "tests/cross-site.test.ts",
        "tests/limits.test.ts",
        "tests/mutation-guards.test.ts",
        "tests/config.test.ts",
        "tests/server.test.ts",
        "tests/protocol.test.ts",
        "tests/bad-input.test.ts",
        "tests/inference-validation.test.ts",
        "tests/observability.test.ts",
        "tests/database-failures.test.ts",
        "tests/hf-rate-limits.test.ts",
        "tests/hf-downloads.test.ts",
        "tests/pull-engine.test.ts",
        "tests/pull-faults.test.ts",
        "tests/pull-paths.test.ts",
        "tests/kaggle-pull.test.ts",
        "tests/artifacts.test.ts",
      ],
    },
  }),
);
