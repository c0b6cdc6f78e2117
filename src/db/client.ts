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
const BUSY_TIMEOUT_MS = 20;
/** Retries of a busy operation: with their backoff, about 15 s of waiting in all. */
const BUSY_RETRIES = 24;

/**
 * Opens the gateway's SQLite database through Prisma's driver adapter: WAL mode (readers never
 * block the writer), a busy timeout, immediate transactions, foreign keys enforced for cascading
 * deletes. Within one process better-sqlite3 serialises writes; between processes (two gateways or
 * a CLI on one DATA_DIR) a writer can be kept waiting, so model operations that end busy are
 * retried (SQLite rolled them back, so a retry cannot apply them twice). Failures of the database
 * itself (read-only, damaged, full) become DATABASE_UNAVAILABLE naming the cause.
 */
export async function openDatabase(url: string, onQuery?: (sql: string) => void) {
  const adapter = withImmediateTransactions(new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS }));
  const client = new PrismaClient({ adapter, log: onQuery ? [{ emit: "event", level: "query" }] : [] });
  // Statement counting, for the DataLoader benchmark and tests.
  if (onQuery) client.$on("query" as never, (event: { query: string }) => onQuery(event.query));
  // PRAGMAs answer with a row, so they go through $queryRaw, not $executeRaw.
  await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  return client.$extends({
    name: "retry-when-busy",
    query: {
      $allOperations: ({ args, query }) =>
        pRetry(() => query(args), {
          retries: BUSY_RETRIES,
          minTimeout: 5,
          maxTimeout: 1_000,
          randomize: true,
          shouldRetry: ({ error }) => isBusy(error),
        }).catch((error: unknown) => {
          throw databaseFailure(error) ?? error;
        }),
    },
  });
}

export type Database = Awaited<ReturnType<typeof openDatabase>>;

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
