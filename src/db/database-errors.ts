import { DatabaseUnavailable } from "../domain/errors.js";

/** What each SQLite failure means for the person running the gateway, and what to do about it. */
const CAUSES: Record<string, string> = {
  SQLITE_READONLY: "it is read-only (check that DATA_DIR and gateway.db are writable by the gateway's user)",
  SQLITE_CORRUPT: "its file is damaged (restore it from a backup, or move it aside to start a new one)",
  SQLITE_NOTADB: "its file is not a SQLite database (move it aside to start a new one)",
  SQLITE_FULL: "the disk holding DATA_DIR is full",
  SQLITE_CANTOPEN: "its file cannot be opened (was DATA_DIR removed?)",
  SQLITE_IOERR: "reading or writing its file failed (a disk or file-system error)",
  SQLITE_BUSY: "another process holds its write lock for too long",
  P1008: "another process holds its write lock for too long",
};

/** PostgreSQL (and its driver's) failures that mean the server cannot be used, not a bug in a query. */
const SERVER_CAUSES: Array<[RegExp, string]> = [
  [
    /^(P1001|P1002|P1017|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|08\w{3}|57P0[123])$/,
    "its server cannot be reached (check DATABASE_URL and that PostgreSQL runs)",
  ],
  [/^(P2024|53300)$/, "its server has no connection free (too many clients)"],
  [/^(P1000|28P01|28000)$/, "its server refused the credentials in DATABASE_URL"],
  [/^(P1003|3D000)$/, "the database DATABASE_URL names does not exist on its server"],
  [/^53100$/, "the disk holding its server's data is full"],
  [/^25006$/, "its server is read-only (a standby?)"],
];

/**
 * The domain error for a database driver failure that is about the database itself (a read-only,
 * damaged, full or locked file); null for anything else (a bug, a constraint), which stays masked.
 */
export function databaseFailure(error: unknown): DatabaseUnavailable | null {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  const family = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  const cause = CAUSES[family] ?? SERVER_CAUSES.find(([pattern]) => pattern.test(code))?.[1] ?? serverGone(error);
  return cause ? new DatabaseUnavailable(cause, { cause: error }) : null;
}

/**
 * A driver error without a code of its own whose cause or message says the server went away (the
 * pg adapter wraps some; a connection to a stopped server can end with an empty AggregateError).
 */
function serverGone(error: unknown): string | undefined {
  const { cause, message } = (error ?? {}) as { cause?: { code?: unknown }; message?: string };
  const code = String(cause?.code ?? "");
  if (
    SERVER_CAUSES[0]?.[0].test(code) ||
    /Connection terminated|connect ECONNREFUSED|Can't reach database server/.test(message ?? "")
  )
    return SERVER_CAUSES[0]?.[1];
  return undefined;
}

/** The database cannot be opened at start; the message names it and says what to do. */
export class UnusableDatabase extends Error {
  override name = "UnusableDatabase";

  /** `where`: the SQLite file, or the server's URL without its password. */
  constructor(where: string, error: unknown) {
    const cause = databaseFailure(error)?.message.replace(/^The gateway's database cannot be used: /, "");
    const server = /^postgres(ql)?:/.test(where);
    super(
      `The database ${server ? "" : "file "}${where} cannot be used: ${cause ?? (error as Error).message}. ${server ? "Or point DATABASE_URL at another server." : "Or point DATA_DIR at another folder."}`,
      { cause: error },
    );
  }
}
