import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { UnusableDatabase } from "./database-errors.js";
import { databaseProvider, redactUrl, sqliteFile } from "./database-url.js";
import { APPLIED_QUERY, committedMigrations, MIGRATIONS_TABLE, type Migration, RECORD_QUERY } from "./migrations.js";

/** How long a SQLite migration waits for another process's write lock (start-up only). */
const SQLITE_LOCK_WAIT_MS = 15_000;
/** The PostgreSQL advisory lock that lets one replica at a time migrate (any constant of our own). */
const MIGRATION_LOCK_KEY = 7_351_624_908;

/**
 * Applies the committed migrations the database lacks, each provider's own folder, recording each
 * in `_prisma_migrations` as Prisma does (so databases Prisma's CLI migrated keep working). It is
 * written here rather than spawning `prisma migrate deploy`: the CLI takes seconds to start, and
 * through the pg adapter it fails (prisma/orm#27403). All pending migrations run in one
 * transaction, under a lock (SQLite's write lock; a PostgreSQL advisory lock), so replicas that
 * start at once apply them exactly once and nobody sees half a schema. Answers the names applied.
 */
export async function migrateDatabase(url: string): Promise<string[]> {
  const provider = databaseProvider(url);
  if (provider === "postgresql") return migratePostgres(url);
  if (provider !== "sqlite") throw new Error(`Not a database URL the gateway knows: ${redactUrl(url)}`);
  const file = sqliteFile(url);
  await mkdir(dirname(file), { recursive: true });
  try {
    return migrateSqlite(file);
  } catch (error) {
    throw new UnusableDatabase(file, error);
  }
}

function pending(applied: ReadonlySet<string>, migrations: readonly Migration[]): Migration[] {
  return migrations.filter((migration) => !applied.has(migration.name));
}

const now = () => new Date().toISOString().replace("Z", "+00:00");

function migrateSqlite(file: string): string[] {
  const migrations = committedMigrations("sqlite");
  // A database with nothing pending is only read: a read-only copy still opens.
  if (existsSync(file)) {
    const reader = new BetterSqlite3(file, { readonly: true });
    try {
      const hasTable = reader
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
        .get();
      const applied = hasTable ? appliedNames(reader.prepare(APPLIED_QUERY).all()) : new Set<string>();
      if (pending(applied, migrations).length === 0) return [];
    } finally {
      reader.close();
    }
  }
  const db = new BetterSqlite3(file, { timeout: SQLITE_LOCK_WAIT_MS });
  try {
    // Redefining a table drops it; with foreign keys on, that would cascade into its children's
    // rows. The scripts' own `PRAGMA foreign_keys=OFF` is ignored inside a transaction, so it is set here.
    db.pragma("foreign_keys = OFF");
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(MIGRATIONS_TABLE.sqlite);
      const todo = pending(appliedNames(db.prepare(APPLIED_QUERY).all()), migrations);
      const record = db.prepare(RECORD_QUERY.sqlite);
      for (const migration of todo) {
        const startedAt = now();
        db.exec(migration.sql);
        record.run(randomUUID(), migration.checksum, migration.name, startedAt, now());
      }
      const broken = db.prepare("PRAGMA foreign_key_check").all();
      if (broken.length > 0) throw new Error(`the migrations left ${broken.length} rows with broken foreign keys`);
      db.exec("COMMIT");
      return todo.map((migration) => migration.name);
    } catch (error) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw error;
    }
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  // Imported here: the embedded default never loads the PostgreSQL driver.
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw new UnusableDatabase(redactUrl(url), error);
  }
  try {
    await client.query("BEGIN");
    try {
      // Held until COMMIT: a replica starting meanwhile waits here, then finds nothing pending.
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      await client.query(MIGRATIONS_TABLE.postgresql);
      const { rows } = await client.query(APPLIED_QUERY);
      const todo = pending(appliedNames(rows), committedMigrations("postgresql"));
      for (const migration of todo) {
        const startedAt = new Date();
        await client.query(migration.sql);
        await client.query(RECORD_QUERY.postgresql, [
          randomUUID(),
          migration.checksum,
          migration.name,
          startedAt,
          new Date(),
        ]);
      }
      await client.query("COMMIT");
      return todo.map((migration) => migration.name);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw new Error(`Database migration failed on ${redactUrl(url)}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

function appliedNames(rows: unknown[]): Set<string> {
  return new Set((rows as Array<{ migration_name: string }>).map((row) => row.migration_name));
}
