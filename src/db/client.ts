import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.js";

export type Database = PrismaClient;

/** How long a statement waits for a lock held by another connection before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens the gateway's SQLite database through Prisma's driver adapter, in WAL mode (readers never
 * block the writer) with a busy timeout, and with foreign keys enforced for cascading deletes.
 */
export async function openDatabase(url: string): Promise<Database> {
  const db = new PrismaClient({
    adapter: new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS }),
  });
  // PRAGMAs answer with a row, so they go through $queryRaw, not $executeRaw.
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
}
