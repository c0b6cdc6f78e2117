import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseProvider } from "./database-url.js";

/** One committed migration: its folder's name, its SQL and the checksum Prisma records for it. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const prismaDir = fileURLToPath(new URL("../../prisma", import.meta.url));

/** Each provider's migrations folder: one per provider, since migration_lock.toml pins it. */
export function migrationsDir(provider: DatabaseProvider): string {
  return provider === "sqlite" ? join(prismaDir, "migrations") : join(prismaDir, "postgresql", "migrations");
}

/** The committed migrations of a provider, oldest first (their names start with a timestamp). */
export function committedMigrations(provider: DatabaseProvider): Migration[] {
  const dir = migrationsDir(provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * The table that records what ran: Prisma's own `_prisma_migrations`, so a database migrated by
 * `prisma migrate deploy` (every gateway.db before this runner) and one migrated here are the same.
 */
export const MIGRATIONS_TABLE: Record<DatabaseProvider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL,
    "checksum" TEXT NOT NULL,
    "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL,
    "logs" TEXT,
    "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
  )`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
  )`,
};

/** Migrations applied for good: finished, and not rolled back by `prisma migrate resolve`. */
export const APPLIED_QUERY = `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

export const RECORD_QUERY: Record<DatabaseProvider, string> = {
  sqlite: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
  postgresql: `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ($1, $2, $3, $4, $5, 1)`,
};
