import { DatabaseUnavailable } from "../errors.js";

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

/**
 * The domain error for a database driver failure that is about the database itself (a read-only,
 * damaged, full or locked file); null for anything else (a bug, a constraint), which stays masked.
 */
export function databaseFailure(error: unknown): DatabaseUnavailable | null {
  const code = String((error as { code?: unknown } | null)?.code ?? "");
  const family = /^SQLITE_[A-Z]+/.exec(code)?.[0] ?? code;
  const cause = CAUSES[family];
  return cause ? new DatabaseUnavailable(cause, { cause: error }) : null;
}

/** The database file cannot be opened at start; the message names it and says what to do. */
export class UnusableDatabase extends Error {
  override name = "UnusableDatabase";

  constructor(file: string, error: unknown) {
    const cause = databaseFailure(error)?.message.replace(/^The gateway's database cannot be used: /, "");
    super(
      `The database file ${file} cannot be used: ${cause ?? (error as Error).message}. Or point DATA_DIR at another folder.`,
      { cause: error },
    );
  }
}
