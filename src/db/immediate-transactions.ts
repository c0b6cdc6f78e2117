import type { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database as BetterSqlite3, RunResult } from "better-sqlite3";

type AdapterFactory = PrismaBetterSQLite3;

interface TransactionLike {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

interface AdapterLike {
  client: BetterSqlite3;
  startTransaction(level?: string): Promise<TransactionLike>;
}

/** What the adapter's own BEGIN runs once this wrapper has begun the transaction. */
const ALREADY_BEGUN = { run: (): RunResult => ({ changes: 0, lastInsertRowid: 0 }) };

/**
 * Transactions that take SQLite's write lock first (BEGIN IMMEDIATE) and wait for it without
 * blocking the event loop.
 *
 * - A deferred BEGIN that reads then writes (Prisma's upserts and nested writes do) fails at once
 *   with SQLITE_BUSY_SNAPSHOT when another process committed in between; an immediate one takes
 *   the lock before reading.
 * - Waiting for that lock is done here, with short synchronous tries and asynchronous pauses
 *   between them (`acquire`): the driver's own busy wait would freeze the whole server.
 * - The adapter's startTransaction leaks its mutex when its BEGIN throws, after which every later
 *   transaction waits for ever; so the BEGIN is run here, where a failure releases everything,
 *   and the adapter's own BEGIN becomes a no-op.
 *
 * Transactions of one connection are serialised here as the adapter does (one transaction at a
 * time per connection). tests/database-concurrency.test.ts puts this under load.
 */
export function withImmediateTransactions(
  factory: AdapterFactory,
  acquire: (begin: () => void) => Promise<void>,
): AdapterFactory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const { client } = adapter as unknown as AdapterLike;
    const prepare = client.prepare.bind(client);
    let begun = false;
    client.prepare = ((sql: string) =>
      sql === "BEGIN" && begun ? ALREADY_BEGUN : prepare(sql)) as typeof client.prepare;
    const start = (adapter as unknown as AdapterLike).startTransaction.bind(adapter);
    const serial = serialiser();
    (adapter as unknown as AdapterLike).startTransaction = async (level) => {
      const release = await serial();
      let open = false;
      try {
        await acquire(() => prepare("BEGIN IMMEDIATE").run());
        open = true;
        begun = true;
        const transaction = await start(level).finally(() => {
          begun = false;
        });
        const end = (finish: () => Promise<void>) => () => finish().finally(release);
        return Object.assign(transaction, {
          commit: end(transaction.commit.bind(transaction)),
          rollback: end(transaction.rollback.bind(transaction)),
        });
      } catch (error) {
        if (open) prepare("ROLLBACK").run();
        release();
        throw error;
      }
    };
    return adapter;
  };
  return factory;
}

/** An async mutex: each caller gets a release function once every earlier caller has released. */
function serialiser(): () => Promise<() => void> {
  let tail: Promise<void> = Promise.resolve();
  return () => {
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = tail.then(() => release);
    tail = tail.then(() => done);
    return ready;
  };
}
