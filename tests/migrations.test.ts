import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../src/db/migrate.js";
import { committedMigrations, migrationsDir } from "../src/db/migrations.js";
import { postgresCatalog, sqliteCatalog } from "./helpers/schema-catalog.js";
import { needsPackage } from "./helpers/services/free-port.js";
import {
  POSTGRES_PACKAGE,
  type PostgresServer,
  postgresInstalled,
  startPostgres,
} from "./helpers/services/postgres-server.js";

const root = join(import.meta.dirname, "..");
const prismaCli = join(root, "node_modules", "prisma", "build", "index.js");

/** Runs Prisma's CLI (the real one, as `npm run` would) and answers its stdout. */
async function prisma(args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [prismaCli, ...args], {
    cwd: root,
    env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", ...env },
  });
  return stdout;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gateway-migrations-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const appliedRows = (file: string) =>
  new BetterSqlite3(file, { readonly: true })
    .prepare('SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name')
    .all();

describe("the migration runner on SQLite", () => {
  it("applies every committed migration to a new database once, recording each as Prisma does", async () => {
    const file = join(dir, "new.db");

    const first = await migrateDatabase(`file:${file}`);
    const second = await migrateDatabase(`file:${file}`);

    const committed = committedMigrations("sqlite");
    expect(first).toEqual(committed.map((m) => m.name));
    expect(second).toEqual([]);
    expect(appliedRows(file)).toEqual(committed.map((m) => ({ migration_name: m.name, checksum: m.checksum })));
  });

  it("takes over a database Prisma's CLI migrated, and leaves one Prisma's CLI calls up to date", async () => {
    const byPrisma = join(dir, "by-prisma");
    await mkdir(byPrisma);
    await prisma(["migrate", "deploy"], { DATA_DIR: byPrisma });
    const prismaRows = appliedRows(join(byPrisma, "gateway.db"));
    const byRunner = join(dir, "by-runner");
    await migrateDatabase(`file:${join(byRunner, "gateway.db")}`);

    expect(await migrateDatabase(`file:${join(byPrisma, "gateway.db")}`)).toEqual([]);
    // Prisma's checksum is the sha256 of the file, as the runner records it.
    expect(appliedRows(join(byRunner, "gateway.db"))).toEqual(prismaRows);
    expect(await prisma(["migrate", "status"], { DATA_DIR: byRunner })).toContain("Database schema is up to date");
  });

  it("builds the same schema from the migrations as prisma/schema.prisma describes", async () => {
    const migrated = join(dir, "migrated.db");
    await migrateDatabase(`file:${migrated}`);
    const whole = join(dir, "whole.db");
    const sql = await prisma(
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      {
        DATA_DIR: dir,
      },
    );
    new BetterSqlite3(whole).exec(sql);

    expect(sqliteCatalog(migrated)).toEqual(sqliteCatalog(whole));
    expect(sqliteCatalog(migrated)).toContainEqual(expect.stringMatching(/^column PullFile\.sources JSONB/));
  });
});

describe("the two providers' schemas and migrations", () => {
  it("describe the same models and the same migrations, so neither provider lags the other", async () => {
    const models = async (path: string) => {
      const text = await readFile(join(root, path), "utf8");
      return text.slice(text.indexOf("/// Metadata one registry returned"));
    };
    const names = async (provider: "sqlite" | "postgresql") =>
      (await readdir(migrationsDir(provider), { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name);

    expect(await models("prisma/postgresql/schema.prisma")).toEqual(await models("prisma/schema.prisma"));
    expect(await names("postgresql")).toEqual(await names("sqlite"));
  });
});

let postgres: PostgresServer | undefined;
describe.skipIf(!postgresInstalled())(
  needsPackage("the migration runner on PostgreSQL", POSTGRES_PACKAGE, postgresInstalled()),
  () => {
    beforeAll(async () => {
      postgres = await startPostgres();
    });
    afterAll(() => postgres?.stop());

    it("applies the migrations once when two replicas start at the same moment", async () => {
      const url = await (postgres as PostgresServer).createDatabase();

      const [a, b] = await Promise.all([migrateDatabase(url), migrateDatabase(url)]);

      const committed = committedMigrations("postgresql").map((m) => m.name);
      expect([a, b].sort((x, y) => x.length - y.length)).toEqual([[], committed]);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query('SELECT migration_name FROM "_prisma_migrations" ORDER BY 1');
      await client.end();
      expect(rows.map((row) => row.migration_name)).toEqual(committed);
    });

    it("builds the same schema from the migrations as prisma/postgresql/schema.prisma describes", async () => {
      const server = postgres as PostgresServer;
      const migrated = await server.createDatabase();
      await migrateDatabase(migrated);
      const whole = await server.createDatabase();
      const sql = await prisma(
        [
          "migrate",
          "diff",
          "--config",
          "prisma/postgresql/prisma.config.ts",
          "--from-empty",
          "--to-schema-datamodel",
          "prisma/postgresql/schema.prisma",
          "--script",
        ],
        { DATABASE_URL: whole },
      );
      const client = new pg.Client({ connectionString: whole });
      await client.connect();
      await client.query(sql);
      await client.end();

      expect(await postgresCatalog(migrated)).toEqual(await postgresCatalog(whole));
      expect(await postgresCatalog(migrated)).toContainEqual(expect.stringMatching(/^column PullFile\.sources jsonb/));
    });
  },
);
