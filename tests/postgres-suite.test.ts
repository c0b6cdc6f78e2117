import { spawn } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv } from "./helpers/clean-env.js";
import { needsPackage } from "./helpers/services/free-port.js";
import {
  POSTGRES_PACKAGE,
  type PostgresServer,
  postgresInstalled,
  startPostgres,
} from "./helpers/services/postgres-server.js";

/**
 * Files of this suite whose key paths go through the database (pulls and their history, leases
 * and cross-process cancellation, model lookups with stored metadata, the artifact index,
 * inference history), run again with every gateway on PostgreSQL instead of SQLite.
 */
const ON_POSTGRES = [
  "tests/pull-history.test.ts",
  "tests/pull-leases.test.ts",
  "tests/model-lookup.test.ts",
  "tests/artifacts.test.ts",
  "tests/pull-engine.test.ts",
  "tests/inference.test.ts",
];
const root = join(import.meta.dirname, "..");

let postgres: PostgresServer | undefined;
describe.skipIf(!postgresInstalled())(
  needsPackage("the suite's key paths on PostgreSQL", POSTGRES_PACKAGE, postgresInstalled()),
  () => {
    beforeAll(async () => {
      postgres = await startPostgres();
    });
    afterAll(() => postgres?.stop());

    it("pass as they do on SQLite", async () => {
      const child = spawn(
        process.execPath,
        [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=dot", ...ON_POSTGRES],
        {
          cwd: root,
          env: cleanEnv({ TEST_POSTGRES_URL: (postgres as PostgresServer).url(), NO_COLOR: "1" }),
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let output = "";
      child.stdout?.on("data", (chunk) => (output += chunk));
      child.stderr?.on("data", (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));

      expect(stripVTControlCharacters(output)).toMatch(new RegExp(`Test Files\\s+${ON_POSTGRES.length} passed`));
      expect(code, output).toBe(0);
    }, 300_000);
  },
);
