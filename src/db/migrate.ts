import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { UnusableDatabase } from "./database-errors.js";
import { databaseFile } from "./database-url.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = join(projectRoot, "prisma", "migrations");

/**
 * Creates `<dataDir>/gateway.db` if needed and applies the committed migrations with Prisma's own
 * `migrate deploy` (through the driver adapter prisma.config.ts sets up, so it works offline).
 * The CLI takes seconds to start, so it only runs when a migration is actually pending.
 */
export async function migrateDatabase(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = databaseFile({ DATA_DIR: dataDir });
  let pending: string[];
  try {
    pending = pendingMigrations(file);
  } catch (error) {
    throw new UnusableDatabase(file, error);
  }
  if (pending.length === 0) return;
  try {
    // Resolved only here: an install without the Prisma CLI can still open a migrated database.
    const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
    await promisify(execFile)(process.execPath, [prismaCli, "migrate", "deploy"], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dataDir, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`Database migration failed in ${dataDir}:\n${stderr || stdout}`, { cause: error });
  }
}

/** Committed migrations the database file has not finished applying. */
function pendingMigrations(file: string): string[] {
  const committed = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  if (!existsSync(file)) return committed;
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    const hasTable = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
      .get();
    if (!hasTable) return committed;
    const rows = db
      .prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL")
      .all() as Array<{
      migration_name: string;
    }>;
    const applied = new Set(rows.map((row) => row.migration_name));
    return committed.filter((name) => !applied.has(name));
  } finally {
    db.close();
  }
}
