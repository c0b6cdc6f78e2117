import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import pRetry from "p-retry";
import { PrismaClient } from "../generated/prisma/client.js";
import { databaseFailure } from "./database-errors.js";
import { withImmediateTransactions } from "./immediate-transactions.js";

/**
 * How long one statement waits for another connection's lock before SQLite answers busy. The
 * driver waits synchronously, on the event loop, so the wait is short and the retries below are
 * asynchronous: a lock held elsewhere delays the waiting operation, never the whole server.
 */
const BUSY_TIMEOUT_MS = 50;
/**
 * Retries of a busy operation, each a 50 ms wait in SQLite then a pause of 1 to 10 ms: about
 * 16 s in all. Short pauses keep a waiting process in the race for the lock (long ones starved it
 * under the five-process test), while the event loop runs between tries.
 */
const BUSY_RETRIES = 300;
/** Longer than the retries take, so Prisma never gives up on a transaction that is still waiting. */
const BUSY_WAIT_LIMIT_MS = 30_000;

/**
 * Opens the gateway's SQLite database through Prisma's driver adapter: WAL mode (readers never
 * block the writer), a busy timeout, immediate transactions, foreign keys enforced for cascading
 * deletes. Within one process better-sqlite3 serialises writes; between processes (two gateways or
 * a CLI on one DATA_DIR) a writer can be kept waiting, so model operations that end busy are
 * retried (SQLite rolled them back, so a retry cannot apply them twice). Failures of the database
 * itself (read-only, damaged, full) become DATABASE_UNAVAILABLE naming the cause.
 */
export async function openSqlite(url: string, onQuery?: (sql: string) => void) {
  const whileBusy = <T>(operation: () => Promise<T>): Promise<T> =>
    pRetry(operation, {
      retries: BUSY_RETRIES,
      minTimeout: 1,
      maxTimeout: 10,
      randomize: true,
      shouldRetry: ({ error }) => isBusy(error),
    });
  const retrying = <T>(operation: () => Promise<T>): Promise<T> =>
    whileBusy(operation).catch((error: unknown) => {
      throw databaseFailure(error) ?? error;
    });
  // The driver's own error goes back through Prisma (which keeps its code) and is named by `retrying`.
  const adapter = withImmediateTransactions(new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS }), (begin) =>
    whileBusy(async () => begin()),
  );
  const client = new PrismaClient({
    adapter,
    log: onQuery ? [{ emit: "event", level: "query" }] : [],
    // A transaction may wait (asynchronously) for another process's write lock as long as the retries last.
    transactionOptions: { maxWait: BUSY_WAIT_LIMIT_MS, timeout: BUSY_WAIT_LIMIT_MS },
  });
  // Statement counting, for the DataLoader benchmark and tests.
  if (onQuery) client.$on("query" as never, (event: { query: string }) => onQuery(event.query));
  // PRAGMAs answer with a row, so they go through $queryRaw; switching to WAL needs the lock too.
  for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON"]) {
    await retrying(() => client.$queryRawUnsafe(`PRAGMA ${pragma}`));
  }
  return client.$extends({
    name: "retry-when-busy",
    query: { $allOperations: ({ args, query }) => retrying(() => query(args)) },
  });
}

function isBusy(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  // P1008 is Prisma's name for SQLITE_BUSY after the busy timeout.
  return (
    code === "P1008" ||
    code === "SQLITE_BUSY" ||
    code === "SQLITE_BUSY_SNAPSHOT" ||
    /database is locked/.test(message ?? "")
  );
}
