import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database as BetterSqlite3 } from "better-sqlite3";

type AdapterFactory = PrismaBetterSQLite3;

/**
 * Makes the adapter's transactions BEGIN IMMEDIATE instead of BEGIN. A deferred transaction that
 * reads and then writes (Prisma's upserts and nested writes do) fails at once with
 * SQLITE_BUSY_SNAPSHOT when another process committed in between, without the busy timeout ever
 * applying; an immediate one takes the write lock first, waiting under the busy timeout. The
 * adapter offers no option for this, so its connection's `prepare` is wrapped: the SQL "BEGIN"
 * is the only statement changed (tests/database-concurrency.test.ts puts it under load).
 */
export function withImmediateTransactions(factory: AdapterFactory): AdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const client = (adapter as unknown as { client: BetterSqlite3 }).client;
    const prepare = client.prepare.bind(client);
    client.prepare = ((sql: string) => prepare(sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql)) as typeof client.prepare;
    return adapter;
  };
  return factory;
}
