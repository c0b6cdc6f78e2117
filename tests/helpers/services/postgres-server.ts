import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort } from "./free-port.js";

/** Debian's package: `apt-get install postgresql` (.ci/run installs it when it is missing). */
export const POSTGRES_PACKAGE = "postgresql";

/** A PostgreSQL program of the newest version installed (Debian keeps them off PATH), or null. */
function program(name: string): string | null {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const path = join(root, version, "bin", name);
    if (existsSync(path)) return path;
  }
  return spawnSync(name, ["--version"], { stdio: "ignore" }).status === 0 ? name : null;
}

/** Whether a throwaway PostgreSQL cluster can be started here (the tests skip, naming the package, if not). */
export function postgresInstalled(): boolean {
  return program("initdb") !== null && program("pg_ctl") !== null && (process.getuid?.() !== 0 || hasUser("postgres"));
}

function hasUser(name: string): boolean {
  return spawnSync("id", ["-u", name], { stdio: "ignore" }).status === 0;
}

export interface PostgresServer {
  /** A URL of a database on the server (`postgres` unless named). */
  url(database?: string): string;
  /** Creates a new empty database and answers its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster on a free port in a temporary folder, with trust authentication
 * on 127.0.0.1 and no durability (fsync off): fast to start, gone when stopped. PostgreSQL refuses
 * to run as root, so as root it runs as Debian's `postgres` user.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-postgres-"));
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
  }
  const run = (name: string, args: string[]) => {
    const path = program(name) as string;
    execFileSync(asRoot ? "runuser" : path, asRoot ? ["-u", "postgres", "--", path, ...args] : args, {
      stdio: "pipe",
    });
  };
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "gateway", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start"]);
  const url = (database = "postgres") => `postgresql://gateway@127.0.0.1:${port}/${database}`;
  let count = 0;
  return {
    url,
    async createDatabase() {
      const name = `gateway_${process.pid}_${++count}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
