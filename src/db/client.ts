import { databaseProvider, redactUrl } from "./database-url.js";
import { openPostgres } from "./postgres-client.js";
import { openSqlite } from "./sqlite-client.js";

/**
 * The gateway's database, whichever engine holds it. Typed by the SQLite client: the PostgreSQL
 * client is generated from a schema whose models are the same (tests/migrations.test.ts keeps
 * them so), so the two answer the same queries with the same types.
 */
export type Database = Awaited<ReturnType<typeof openSqlite>>;

/**
 * Opens the database a URL names: `file:` SQLite (the embedded default) or `postgresql://`
 * (replicas). Migrations are migrateDatabase's job, before this.
 */
export async function openDatabase(url: string, onQuery?: (sql: string) => void): Promise<Database> {
  const provider = databaseProvider(url);
  if (provider === "postgresql") return openPostgres(url, onQuery);
  if (provider === "sqlite") return openSqlite(url, onQuery);
  throw new Error(`Not a database URL the gateway knows: ${redactUrl(url)}`);
}
