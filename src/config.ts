import { resolve } from "node:path";
import { z } from "zod";
import { databaseUrl } from "./db/database-url.js";

/** Names of the registries the gateway knows, as they appear in model references (`hf:org/name`). */
export const REGISTRY_NAMES = ["local"] as const;
export type RegistryName = (typeof REGISTRY_NAMES)[number];

const csv = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

const boolean = (fallback: boolean) =>
  z.stringbool({ error: "must be true or false (also accepted: 1/0, yes/no, on/off)" }).default(fallback);

const url = (fallback: string) =>
  z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .default(fallback)
    .transform((value) => value.replace(/\/+$/, ""));

/** Every environment variable the gateway reads, with its default. README.md documents each. */
const environment = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], {
      error: "must be development, production or test",
    })
    .default("development"),
  HOST: z.string().min(1).default("localhost"),
  PORT: integer(0, 65535, 4000),
  DATA_DIR: z.string().min(1).default("./data"),
  LOCAL_MODELS_DIR: z.string().min(1).default("./models"),
  SEED_SAMPLE_MODELS: boolean(true),
  REGISTRIES: z
    .string()
    .default(REGISTRY_NAMES.join(","))
    .transform(csv)
    .pipe(z.array(z.enum(REGISTRY_NAMES, { error: `each name must be one of ${REGISTRY_NAMES.join(", ")}` }))),
  REGISTRY_TIMEOUT_MS: integer(1, 600_000, 10_000),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  CORS_ORIGINS: z.string().default("").transform(csv),
  GRAPHIQL: boolean(true),
  HF_ENDPOINT: url("https://huggingface.co"),
  CACHE_DIR: z.string().min(1).optional(),
  PULL_CONCURRENCY: integer(1, 64, 4),
  PULL_STALL_TIMEOUT_MS: integer(100, 3_600_000, 30_000),
});

type Environment = z.infer<typeof environment>;

export interface Config {
  readonly env: Environment["NODE_ENV"];
  readonly server: {
    readonly host: string;
    readonly port: number;
    /** Origins allowed to call the gateway from a browser; empty means "any" in development only. */
    readonly corsOrigins: readonly string[];
    readonly graphiql: boolean;
  };
  readonly logLevel: Environment["LOG_LEVEL"];
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly registries: {
    readonly enabled: readonly RegistryName[];
    readonly timeoutMs: number;
    readonly local: { readonly dir: string; readonly seedSamples: boolean };
    readonly hf: { readonly endpoint: string };
  };
  readonly pulls: {
    /** The content-addressed model cache (CACHE_DIR, by default `<DATA_DIR>/cache`). */
    readonly cacheDir: string;
    /** The most file transfers that run at once, across all pulls. */
    readonly concurrency: number;
    /** How long a download may go without receiving a byte before its connection is dropped and resumed. */
    readonly stallTimeoutMs: number;
  };
}

/** Thrown when an environment variable is malformed; the message names each bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once into a typed, frozen configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `  ${name}=${JSON.stringify(env[name])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return deepFreeze({
    env: e.NODE_ENV,
    server: { host: e.HOST, port: e.PORT, corsOrigins: e.CORS_ORIGINS, graphiql: e.GRAPHIQL },
    logLevel: e.LOG_LEVEL,
    dataDir,
    databaseUrl: databaseUrl({ DATA_DIR: dataDir }),
    registries: {
      enabled: [...new Set(e.REGISTRIES)],
      timeoutMs: e.REGISTRY_TIMEOUT_MS,
      local: { dir: resolve(e.LOCAL_MODELS_DIR), seedSamples: e.SEED_SAMPLE_MODELS },
      hf: { endpoint: e.HF_ENDPOINT },
    },
    pulls: {
      cacheDir: resolve(e.CACHE_DIR ?? `${dataDir}/cache`),
      concurrency: e.PULL_CONCURRENCY,
      stallTimeoutMs: e.PULL_STALL_TIMEOUT_MS,
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
