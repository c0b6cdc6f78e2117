import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, type AppOverrides, openApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";

export interface BenchApp {
  app: App;
  url: string;
  /** POSTs a GraphQL query and returns the parsed body; throws on GraphQL errors. */
  query<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** A real gateway on a free port over a fresh data folder, for benchmarks (tests use their own helper). */
export async function startBenchApp(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<BenchApp> {
  const dir = await mkdtemp(join(tmpdir(), "gateway-bench-"));
  const config = loadConfig({
    NODE_ENV: "production",
    DATA_DIR: join(dir, "data"),
    LOCAL_MODELS_DIR: join(dir, "models"),
    LOG_LEVEL: "silent",
    ...env,
  });
  const app = await openApp(config, { logger: createLogger("silent"), ...overrides });
  const server = createServer(app.gateway);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    url,
    async query<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: T; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Time of one call, in milliseconds. */
export async function timed(call: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}
