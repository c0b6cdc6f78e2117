import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Database } from "./client.js";
import { databaseFailure } from "./database-errors.js";

export interface DependencyHealth {
  status: "ok" | "unavailable";
  /** What is wrong, for the operator; null when it is fine. */
  error: string | null;
  latencyMs: number;
}

/**
 * Whether the database really works, for /health: a query against a real table, and for SQLite
 * that the file the gateway opened is still the file at its path and can be written. A deleted or
 * replaced file keeps answering through the open connection while everything written is lost, so
 * a `SELECT 1` alone would report a dead database as healthy.
 */
export class DatabaseHealth {
  private constructor(
    private readonly db: Database,
    private readonly file: string | null,
    private readonly inode: number | null,
  ) {}

  /** `file`: the SQLite file the connection opened; null for a server database. */
  static async watch(db: Database, file: string | null): Promise<DatabaseHealth> {
    const inode = file === null ? null : ((await stat(file).catch(() => null))?.ino ?? null);
    return new DatabaseHealth(db, file, inode);
  }

  async check(): Promise<DependencyHealth> {
    const started = performance.now();
    const error = await this.problem();
    return { status: error === null ? "ok" : "unavailable", error, latencyMs: performance.now() - started };
  }

  private async problem(): Promise<string | null> {
    if (this.file !== null) {
      const now = await stat(this.file).catch(() => null);
      if (now === null) return "its file (gateway.db in DATA_DIR) was deleted or moved; restart the gateway";
      if (now.ino !== this.inode) return "its file (gateway.db in DATA_DIR) was replaced; restart the gateway";
      const writable = await Promise.all([this.file, dirname(this.file)].map((path) => access(path, constants.W_OK)))
        .then(() => true)
        .catch(() => false);
      if (!writable) return "it is read-only (check that DATA_DIR and gateway.db are writable by the gateway's user)";
    }
    try {
      await this.db.$queryRawUnsafe('SELECT count(*) FROM "_prisma_migrations"');
      return null;
    } catch (error) {
      return databaseFailure(error)?.message ?? "a query against it failed (the gateway's log has the details)";
    }
  }
}
