import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import proxyAddr from "proxy-addr";
import { z } from "zod";
import {
  DEPLOYMENT_SECRETS,
  type DeploymentConfig,
  deploymentConfig,
  deploymentEnvironment,
} from "./config/deployment.js";
import { boolean, csv, integer } from "./config/env-values.js";
import { type InferenceBackendConfig, inferenceBackends } from "./config/inference-backends.js";
import { type ConfigProblem, registryInstances } from "./config/registry-instances.js";
import { databaseUrl } from "./db/database-url.js";
import { REGISTRY_KINDS } from "./registries/kinds.js";
import type { RegistryInstance } from "./registries/registry-kind.js";
import { type ApiKey, apiKeysVariable } from "./security/api-keys.js";

/** ONNX Runtime execution providers the gateway can use, in AUTO's default order (fastest first). */
export const EXECUTION_PROVIDER_NAMES = ["cuda", "webgpu", "cpu"] as const;

/** A comma-separated list of known names (any case), all of them by default, at least one. */
const namesOf = <const T extends readonly [string, ...string[]]>(names: T, what: string) =>
  z
    .string()
    .default(names.join(","))
    .transform((value) => csv(value.toLowerCase()))
    .pipe(
      z
        .array(z.enum(names, { error: `each ${what} must be one of ${names.join(", ")}` }))
        .min(1, { error: `must name at least one ${what}` }),
    );

/** Every environment variable the gateway reads, with its default; docs/configuration.md documents each (a test keeps the two in step). */
const environment = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], {
      error: "must be development, production or test",
    })
    .default("development"),
  HOST: z.string().min(1).default("localhost"),
  PORT: integer(0, 65535, 4000),
  DATA_DIR: z.string().min(1).default("./data"),
  /** Names of the registries to enable (checked against the instances known); each instance's own default when unset. */
  REGISTRIES: z.string().optional(),
  /** A JSON or YAML file declaring more registry instances (see docs/configuration.md). */
  REGISTRIES_FILE: z.string().optional(),
  REGISTRY_TIMEOUT_MS: integer(1, 600_000, 10_000),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "must be one of fatal, error, warn, info, debug, trace, silent",
    })
    .default("info"),
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform(csv)
    .pipe(
      z.array(z.string().refine(isOrigin, { error: "each origin must be scheme://host[:port], without a path or *" })),
    ),
  PUBLIC_HOSTS: z
    .string()
    .default("")
    .transform((value) => csv(value.toLowerCase()))
    .pipe(
      z.array(
        z.string().regex(/^[a-z0-9.-]+$|^[0-9a-f:]+$/, {
          error: "each host must be a host name or an address, without a port",
        }),
      ),
    ),
  TRUSTED_PROXIES: z.string().default("").transform(csv).refine(compilesAsProxies, {
    error: "each proxy must be an IP address, a CIDR range, or loopback, linklocal or uniquelocal",
  }),
  GRAPHIQL: boolean(true),
  GATEWAY_API_KEYS: apiKeysVariable,
  MUTATION_RATE_LIMIT: integer(1, 1_000_000, 30),
  // GraphQL Armor's defaults, but depth 8: a Relay connection alone takes two levels.
  MAX_DEPTH: integer(1, 100, 8),
  // 100 search results with their files and signatures cost about 7,400.
  MAX_COST: integer(1, 10_000_000, 20_000),
  MAX_ALIASES: integer(0, 10_000, 15),
  MAX_DIRECTIVES: integer(0, 10_000, 50),
  MAX_TOKENS: integer(10, 10_000_000, 1000),
  MAX_BODY_BYTES: integer(1024, 2 ** 30, 32 * 2 ** 20),
  EXECUTION_PROVIDERS: namesOf(EXECUTION_PROVIDER_NAMES, "execution provider"),
  SESSION_CACHE_SIZE: integer(1, 1000, 4),
  INFERENCE_MAX_BYTES: integer(1, 2 ** 31, 16 * 1024 * 1024),
  INFERENCE_MAX_OUTPUT_BYTES: integer(1, 2 ** 31, 16 * 1024 * 1024),
  INFERENCE_HISTORY_DAYS: integer(0, 36_500, 30),
  // One core stays with the event loop: inference must not stall the server.
  INFERENCE_WORKERS: integer(1, 64, Math.max(1, Math.min(4, availableParallelism() - 1))),
  /** Threads one session computes with; 0 shares the cores the event loop leaves among the workers. */
  INFERENCE_THREADS: integer(0, 256, 0),
  /** Remote Open Inference Protocol servers runInference may use: a JSON/YAML document or a file (see docs/configuration.md). */
  INFERENCE_BACKENDS: z.string().optional(),
  CACHE_DIR: z.string().min(1).optional(),
  PULL_CONCURRENCY: integer(1, 64, 4),
  PULL_STALL_TIMEOUT_MS: integer(100, 3_600_000, 30_000),
  ...deploymentEnvironment,
});

/** Each kind of registry brings the variables of its built-in instance (HF_*, ONNX_ZOO_*, …). */
const registryEnvironment = z.object(
  Object.assign({}, ...Object.values(REGISTRY_KINDS).map((kind) => kind.environment)) as z.ZodRawShape,
);

/** Variables whose values are never echoed, not even in configuration errors. */
const SECRETS = new Set([
  "GATEWAY_API_KEYS",
  ...DEPLOYMENT_SECRETS,
  ...Object.values(REGISTRY_KINDS).flatMap((kind) => kind.secrets),
]);

type Environment = z.infer<typeof environment>;
export type ExecutionProviderName = (typeof EXECUTION_PROVIDER_NAMES)[number];

export interface Config extends DeploymentConfig {
  readonly env: Environment["NODE_ENV"];
  readonly server: {
    readonly host: string;
    readonly port: number;
    /** Origins allowed to call the gateway from a browser besides its own; none by default, in every mode. */
    readonly corsOrigins: readonly string[];
    /** Host names it is reached by besides loopback ones; the Host header must be one of them. */
    readonly publicHosts: readonly string[];
    /** Proxies whose forwarding headers name the client. */
    readonly trustedProxies: readonly string[];
    readonly graphiql: boolean;
  };
  readonly logLevel: Environment["LOG_LEVEL"];
  readonly dataDir: string;
  /** DATABASE_URL, or the SQLite file `<DATA_DIR>/gateway.db`; the same as `database.url`. */
  readonly databaseUrl: string;
  readonly registries: {
    /** Names of the enabled instances. */
    readonly enabled: readonly string[];
    readonly timeoutMs: number;
    /** Every registry instance known, enabled or not, built-in ones first. */
    readonly instances: readonly RegistryInstance[];
  };
  readonly security: {
    /** With none, the gateway is open but listens on (and answers) loopback only. */
    readonly apiKeys: readonly ApiKey[];
    /** pullModel and runInference calls per minute, per API key or client address. */
    readonly mutationsPerMinute: number;
  };
  /** Bounds that make abusive requests cheap to refuse. */
  readonly limits: {
    readonly depth: number;
    readonly cost: number;
    readonly aliases: number;
    readonly directives: number;
    readonly tokens: number;
    readonly bodyBytes: number;
  };
  readonly inference: {
    /** The providers AUTO tries, in order; explicit requests must name one of these. */
    readonly providers: readonly ExecutionProviderName[];
    readonly sessionCacheSize: number;
    /** The most bytes of input tensors one inference may carry. */
    readonly maxInputBytes: number;
    /** The most bytes of output tensors one inference may return (before any encoding). */
    readonly maxOutputBytes: number;
    /** Inference runs older than this many days are deleted from history; 0 keeps them forever. */
    readonly historyDays: number;
    /** Worker threads that hold sessions and run them off the event loop. */
    readonly workers: number;
    /** ONNX Runtime's intra-op threads per session. */
    readonly intraOpThreads: number;
    /** Remote Open Inference Protocol servers (INFERENCE_BACKENDS) that REMOTE and AUTO may use. */
    readonly backends: readonly InferenceBackendConfig[];
  };
  readonly pulls: {
    /**
     * The content-addressed model cache (CACHE_DIR, by default `<DATA_DIR>/cache`); with an S3
     * store, this replica's bounded local copy of the blobs it runs.
     */
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
  const registryVariables = registryEnvironment.safeParse(present);
  const issues = [...(parsed.error?.issues ?? []), ...(registryVariables.error?.issues ?? [])];
  if (!parsed.success || !registryVariables.success) {
    fail(
      issues.map((issue) => {
        const name = String(issue.path[0]);
        return {
          where: `${name}=${SECRETS.has(name) ? "[redacted]" : JSON.stringify(env[name])}`,
          message: issue.message,
        };
      }),
    );
  }
  const e = parsed.data;
  if (e.GATEWAY_API_KEYS.length === 0 && !isLoopback(e.HOST)) {
    fail([
      {
        where: `HOST=${JSON.stringify(e.HOST)}`,
        message:
          "without GATEWAY_API_KEYS the gateway only listens on a loopback address (localhost, 127.0.0.1, ::1); set API keys to serve other hosts",
      },
    ]);
  }
  const { instances, problems } = registryInstances(registryVariables.data, present);
  const backends = inferenceBackends(e.INFERENCE_BACKENDS, present);
  if (problems.length + backends.problems.length > 0) fail([...problems, ...backends.problems]);
  const dataDir = resolve(e.DATA_DIR);
  const deployment = deploymentConfig(e, databaseUrl({ DATA_DIR: dataDir }));
  return deepFreeze({
    ...deployment,
    env: e.NODE_ENV,
    server: {
      host: e.HOST,
      port: e.PORT,
      corsOrigins: e.CORS_ORIGINS,
      publicHosts: e.PUBLIC_HOSTS,
      trustedProxies: e.TRUSTED_PROXIES,
      graphiql: e.GRAPHIQL,
    },
    logLevel: e.LOG_LEVEL,
    dataDir,
    databaseUrl: deployment.database.url,
    registries: {
      enabled: instances.filter((instance) => instance.enabled).map((instance) => instance.name),
      timeoutMs: e.REGISTRY_TIMEOUT_MS,
      instances,
    },
    security: { apiKeys: e.GATEWAY_API_KEYS, mutationsPerMinute: e.MUTATION_RATE_LIMIT },
    limits: {
      depth: e.MAX_DEPTH,
      cost: e.MAX_COST,
      aliases: e.MAX_ALIASES,
      directives: e.MAX_DIRECTIVES,
      tokens: e.MAX_TOKENS,
      bodyBytes: e.MAX_BODY_BYTES,
    },
    inference: {
      providers: [...new Set(e.EXECUTION_PROVIDERS)],
      sessionCacheSize: e.SESSION_CACHE_SIZE,
      maxInputBytes: e.INFERENCE_MAX_BYTES,
      maxOutputBytes: e.INFERENCE_MAX_OUTPUT_BYTES,
      historyDays: e.INFERENCE_HISTORY_DAYS,
      workers: e.INFERENCE_WORKERS,
      intraOpThreads:
        e.INFERENCE_THREADS || Math.max(1, Math.floor((availableParallelism() - 1) / e.INFERENCE_WORKERS)),
      backends: backends.backends,
    },
    pulls: {
      cacheDir: resolve(e.CACHE_DIR ?? `${dataDir}/cache`),
      concurrency: e.PULL_CONCURRENCY,
      stallTimeoutMs: e.PULL_STALL_TIMEOUT_MS,
    },
  });
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/$/, "");
  } catch {
    return false;
  }
}

function compilesAsProxies(values: string[]): boolean {
  try {
    proxyAddr.compile(values);
    return true;
  } catch {
    return false;
  }
}

function fail(problems: readonly ConfigProblem[]): never {
  throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p.where}: ${p.message}`).join("\n")}`);
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::ffff:127.0.0.1";
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
