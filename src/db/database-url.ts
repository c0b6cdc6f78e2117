import { isAbsolute, resolve } from "node:path";

/** The database engines the gateway runs on: SQLite (embedded, the default) or PostgreSQL (replicas). */
export type DatabaseProvider = "sqlite" | "postgresql";

/** Where the gateway keeps its SQLite file by default: `<DATA_DIR>/gateway.db` (DATA_DIR defaults to ./data). */
export function databaseFile(env: Record<string, string | undefined>): string {
  return resolve(env.DATA_DIR || "./data", "gateway.db");
}

/**
 * The database the gateway opens: DATABASE_URL when set (`file:<path>` or `postgresql://…`), else
 * `file:<DATA_DIR>/gateway.db`, the form Prisma's SQLite adapter takes.
 */
export function databaseUrl(env: Record<string, string | undefined>): string {
  return env.DATABASE_URL || `file:${databaseFile(env)}`;
}

/** The engine a database URL names; null when it names none the gateway knows. */
export function databaseProvider(url: string): DatabaseProvider | null {
  if (url.startsWith("file:")) return "sqlite";
  return /^postgres(ql)?:\/\//.test(url) ? "postgresql" : null;
}

/** The absolute path of a `file:` URL's SQLite file (relative paths are taken from the working folder). */
export function sqliteFile(url: string): string {
  const path =
    url
      .slice("file:".length)
      .replace(/^\/\/(?=\/)/, "")
      .split("?")[0] ?? "";
  return isAbsolute(path) ? path : resolve(path);
}

/** A database URL fit for messages and logs: its password replaced. */
export function redactUrl(url: string): string {
  if (url.startsWith("file:")) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "[unparsable URL]";
  }
}
