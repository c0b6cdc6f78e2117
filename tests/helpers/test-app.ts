import { createHash } from "node:crypto";
import { access, copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { inject } from "vitest";
import { type App, openApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { ServerContext } from "../../src/http/server-context.js";
import { createLogger, type Logger } from "../../src/logger.js";
import type { RegistrySet } from "../../src/registries/registry-set.js";
import { closeWhenTestEnds } from "./cleanup.js";

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

export interface TestApp extends AsyncDisposable {
  /** The gateway's address on a real port; only with `{ http: true }` (throws otherwise). */
  readonly url: string;
  app: App;
  dataDir: string;
  modelsDir: string;
  /** A GraphQL POST through yoga's fetch (no socket), from 127.0.0.1 as a loopback client. */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Closes the gateway (and its port); a second call waits for the first. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  registries?: RegistrySet;
  logger?: Logger;
  fetch?: typeof fetch;
  /** An existing data folder (a restart, or a second gateway on one cache); the caller removes it. */
  dataDir?: string;
  /** Sees every SQL statement the gateway runs. */
  onQuery?: (sql: string) => void;
  /**
   * Listen on a real port (0: any free one) and give `url`: for tests about HTTP itself, child
   * processes (the CLI, replicas), server-sent events, raw sockets and browsers.
   */
  http?: boolean;
  /** Runs after the gateway has closed: removes what the caller made for it. */
  onClose?: () => Promise<void>;
}

/** The server context a request through yoga's fetch carries: the client guard's settled loopback client. */
const LOOPBACK_CLIENT: ServerContext = { clientAddress: "127.0.0.1" };

/**
 * A gateway over a fresh SQLite file in a temporary folder, with the sample models seeded into its
 * own local folder. Requests go through yoga's fetch; a real port opens with `{ http: true }`.
 * Started while a test runs (its body or a beforeEach), it closes itself when the test ends;
 * started in beforeAll, the caller closes it (afterAll). `await using` closes it at the block's end.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "gateway-test-")));
  await copyTemplateDatabase(dataDir);
  const postgres = await postgresDatabaseFor(dataDir);
  const modelsDir = join(dataDir, "models");
  const config = loadConfig({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LOCAL_MODELS_DIR: modelsDir,
    LOG_LEVEL: "silent",
    // Tests never reach the internet: registries that call out are enabled by the tests that serve them.
    REGISTRIES: "local",
    ...postgres,
    ...options.env,
  });
  const app = await openApp(config, {
    logger: options.logger ?? createLogger("silent"),
    registries: options.registries,
    fetch: options.fetch,
    onQuery: options.onQuery,
  });
  let server: Server | null = null;
  if (options.http) {
    server = createServer(app.gateway);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  }
  const url = server ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : null;
  const close = closeWhenTestEnds(async () => {
    if (server) {
      server.closeAllConnections();
      const listening = server;
      await new Promise((resolve) => listening.close(resolve));
    }
    await app.close();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    await options.onClose?.();
  });
  return {
    get url(): string {
      if (url === null) {
        throw new Error("This test gateway has no port: start it with startTestApp({ http: true }) to use its url.");
      }
      return url;
    },
    app,
    dataDir,
    modelsDir,
    async graphql(query, variables) {
      const response = await app.gateway.fetch(
        "http://localhost/graphql",
        {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
          body: JSON.stringify({ query, variables }),
        },
        { ...LOOPBACK_CLIENT },
      );
      return { status: response.status, ...((await response.json()) as object) };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * Every file (not folder) in the gateway's configured cache, relative to it. Reads CACHE_DIR as the
 * gateway has it, and fails if it is missing: a "nothing was kept" check must not pass because the
 * cache moved.
 */
export async function cachedFiles(gateway: TestApp): Promise<string[]> {
  const root = gateway.app.services.config.pulls.cacheDir;
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Gives a data folder the migrated template database, unless it has a database already. */
export async function copyTemplateDatabase(dataDir: string): Promise<void> {
  const target = join(dataDir, "gateway.db");
  const exists = await access(target).then(
    () => true,
    () => false,
  );
  if (!exists) await copyFile(join(inject("templateDataDir"), "gateway.db"), target);
}

/**
 * With TEST_POSTGRES_URL set (tests/postgres-suite.test.ts sets it for a chosen set of this
 * suite's files), gateways use a PostgreSQL database instead of SQLite: one per data folder, so
 * two gateways given one data folder share one database, as they share one SQLite file otherwise.
 */
async function postgresDatabaseFor(dataDir: string): Promise<{ DATABASE_URL?: string }> {
  const server = process.env.TEST_POSTGRES_URL;
  if (!server) return {};
  const name = `t_${createHash("sha256").update(dataDir).digest("hex").slice(0, 24)}`;
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } catch (error) {
    if ((error as { code?: string }).code !== "42P04") throw error; // made already, for this data folder
  } finally {
    await client.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { DATABASE_URL: url.toString() };
}
