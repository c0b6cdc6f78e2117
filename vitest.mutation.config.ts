import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

/**
 * The tests `npm run test:mutation` runs against each mutant: those of the security and operations
 * code it mutates (src/security, src/http, the Hub client's retries and rate limits, the pull
 * engine's verification). The soak tests (the abuse corpus, the five-process writers) stay out,
 * and so does --expose-gc: Stryker runs tests in worker threads, which refuse it.
 */
export default defineConfig({
  resolve: { alias: { graphql: createRequire(import.meta.url).resolve("graphql") } },
  test: {
    include: [
      "tests/http-answers.test.ts",
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
    globalSetup: ["tests/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
