import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "../tests/helpers/services/postgres-server.js";

/**
 * `npm run db:new-migration -- <name>`: after editing the models in prisma/schema.prisma AND
 * prisma/postgresql/schema.prisma (the same models; a test fails when they differ), writes each
 * provider's SQL from the schema as last committed (git HEAD) to the schema as it is now, under
 * the same `<timestamp>_<name>` in both migrations folders (a test fails when one lags).
 * Prisma's `migrate dev` needs a shadow database that its offline JS engine cannot create here,
 * so the diff runs between the two datamodels. The PostgreSQL diff goes through the pg adapter,
 * which wants a server: DATABASE_URL's, or a throwaway one started here (Debian's postgresql).
 */
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const scratch = mkdtempSync(join(tmpdir(), "migration-"));
mkdirSync(join(scratch, "data"));

function diff(schema: string, migrations: string, config: string[], env: Record<string, string>): void {
  const committed = join(scratch, schema.replaceAll("/", "_"));
  writeFileSync(committed, execFileSync("git", ["show", `HEAD:${schema}`]));
  const sql = execFileSync(
    "npx",
    [
      "prisma",
      "migrate",
      "diff",
      ...config,
      "--from-schema-datamodel",
      committed,
      "--to-schema-datamodel",
      schema,
      "--script",
    ],
    { env: { ...process.env, ...env }, encoding: "utf8" },
  );
  const dir = join(migrations, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), sql);
  console.log(`wrote ${dir}/migration.sql`);
}

diff("prisma/schema.prisma", "prisma/migrations", [], { DATA_DIR: join(scratch, "data") });
const server = process.env.DATABASE_URL?.startsWith("postgres") ? null : await startPostgres();
try {
  diff(
    "prisma/postgresql/schema.prisma",
    "prisma/postgresql/migrations",
    ["--config", "prisma/postgresql/prisma.config.ts"],
    {
      DATABASE_URL: server?.url() ?? (process.env.DATABASE_URL as string),
    },
  );
} finally {
  await server?.stop();
}
