import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `npm run db:new-migration -- <name>`: writes the SQL that takes the schema as last committed
 * (git HEAD) to prisma/schema.prisma as it is now into prisma/migrations/<timestamp>_<name>/.
 * Prisma's `migrate dev` needs a shadow database that its offline JS engine cannot create here,
 * so the diff runs between the two datamodels, which works offline.
 */
const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name>");
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), "migration-"));
const committed = join(scratch, "schema.prisma");
writeFileSync(committed, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"]));
mkdirSync(join(scratch, "data"));
const sql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    "--from-schema-datamodel",
    committed,
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { env: { ...process.env, DATA_DIR: join(scratch, "data") }, encoding: "utf8" },
);
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "migration.sql"), sql);
console.log(`wrote ${dir}/migration.sql`);
