import type { Database } from "./client.js";
import { databaseFailure } from "./database-errors.js";

/** Connections each replica keeps to PostgreSQL at most (pg's pool). */
const POOL_SIZE = 10;
/** A connection that cannot be made within this long fails the query as DATABASE_UNAVAILABLE. */
const CONNECT_TIMEOUT_MS = 5_000;
/** No query of the gateway takes long; one that does is a server in trouble, ended here. */
const QUERY_TIMEOUT_MS = 30_000;

/**
 * Opens PostgreSQL through Prisma's pg driver adapter, with the client generated from
 * prisma/postgresql/schema.prisma. Both are imported here, lazily: the embedded default never
 * loads them. Failures of the server itself (unreachable, out of connections, refused
 * credentials) become DATABASE_UNAVAILABLE naming the cause, as SQLite's do.
 */
export async function openPostgres(url: string, onQuery?: (sql: string) => void): Promise<Database> {
  const [{ PrismaPg }, { PrismaClient }] = await Promise.all([
    import("@prisma/adapter-pg"),
    import("../generated/prisma-pg/client.js"),
  ]);
  const adapter = new PrismaPg({
    connectionString: url,
    max: POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  const client = new PrismaClient({ adapter, log: onQuery ? [{ emit: "event", level: "query" }] : [] });
  if (onQuery) client.$on("query" as never, (event: { query: string }) => onQuery(event.query));
  const extended = client.$extends({
    name: "name-database-failures",
    query: {
      $allOperations: ({ args, query }) =>
        query(args).catch((error: unknown) => {
          throw databaseFailure(error) ?? error;
        }),
    },
  });
  // The same models, columns and queries as the SQLite client (one schema, two providers); only
  // the generated classes differ, so the one Database type stands for both.
  return extended as unknown as Database;
}
