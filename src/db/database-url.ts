import { resolve } from "node:path";

/** Where the gateway keeps its SQLite file: `<DATA_DIR>/gateway.db` (DATA_DIR defaults to ./data). */
export function databaseFile(env: Record<string, string | undefined>): string {
  return resolve(env.DATA_DIR || "./data", "gateway.db");
}

/** The same file as a `file:` URL, the form Prisma's SQLite adapter takes. */
export function databaseUrl(env: Record<string, string | undefined>): string {
  return `file:${databaseFile(env)}`;
}
