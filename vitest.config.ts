import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Node (and so graphql-yoga and Pothos) loads graphql's CommonJS build; without this alias the
    // test transform would load its ESM build too, and GraphQL classes would exist twice.
    alias: { graphql: createRequire(import.meta.url).resolve("graphql") },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/global-setup.ts"],
    // Each file gets its own process: native addons (better-sqlite3, onnxruntime) stay isolated.
    pool: "forks",
    // Deadline tests run the garbage collector by hand (global.gc) to prove no deadline is collected.
    execArgv: ["--expose-gc"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
