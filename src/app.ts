import { mkdir } from "node:fs/promises";
import packageJson from "../package.json" with { type: "json" };
import { openCacheStore } from "./cache/open-store.js";
import type { Config } from "./config.js";
import type { Services } from "./context.js";
import { Dependencies } from "./coordination/dependencies.js";
import { openCoordination } from "./coordination/open-coordination.js";
import { ArtifactIndex } from "./db/artifact-index.js";
import { openDatabase } from "./db/client.js";
import { DatabaseHealth } from "./db/database-health.js";
import { sqliteFile } from "./db/database-url.js";
import { PrismaDocumentStore } from "./db/document-store.js";
import { InferenceHistory } from "./db/inference-history.js";
import { migrateDatabase } from "./db/migrate.js";
import { ModelStore } from "./db/model-store.js";
import type { PullProgress } from "./domain/pull-status.js";
import { InferenceEngine } from "./inference/inference-engine.js";
import { InferenceBackends } from "./inference/remote/inference-backends.js";
import type { WorkerSettings } from "./inference/worker-protocol.js";
import { createLogger, type Logger } from "./logger.js";
import { Metrics } from "./observability/metrics.js";
import { createRegistries } from "./registries/index.js";
import type { RegistrySet } from "./registries/registry-set.js";
import { MutationRateLimiter } from "./security/mutation-rate-limit.js";
import { createGateway, type Gateway } from "./server.js";
import { Artifacts } from "./services/artifacts.js";
import { Catalog } from "./services/catalog.js";
import { FederatedSearch } from "./services/federated-search.js";
import { keepHistoryFor } from "./services/history-retention.js";
import { InferenceService } from "./services/inference.js";
import { ModelCache } from "./services/model-cache.js";
import { CachedModelFiles } from "./services/pulls/cached-model-files.js";
import { PullService } from "./services/pulls/pull-service.js";
import { RegistryCalls } from "./services/registry-calls.js";
import { RegistryMonitor } from "./services/registry-monitor.js";
import { RemoteInference } from "./services/remote-inference.js";

export interface AppOverrides {
  logger?: Logger;
  fetch?: typeof fetch;
  /** Called with every SQL statement the gateway runs (benchmarks and tests count them). */
  onQuery?: (sql: string) => void;
  /** Replaces the registries built from the configuration (tests inject fakes here). */
  registries?: RegistrySet;
  /** Called with every progress event this process publishes (the delivery benchmark times them). */
  onProgress?: (progress: PullProgress) => void;
}

export interface App {
  gateway: Gateway;
  services: Services;
  close(): Promise<void>;
}

/**
 * Wires the gateway together: migrates and opens the database, seeds the local model folder,
 * builds the registry strategies and services, and the HTTP handler. Nothing listens yet.
 */
export async function openApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  await migrateDatabase(config.database.url);
  const db = await openDatabase(config.databaseUrl, overrides.onQuery);
  const registries =
    overrides.registries ??
    (await createRegistries(config.registries.instances, {
      logger,
      fetch: overrides.fetch ?? fetch,
      documents: new PrismaDocumentStore(db),
      timeoutMs: config.registries.timeoutMs,
    }));
  const monitor = new RegistryMonitor();
  const metrics = new Metrics();
  const calls = new RegistryCalls(monitor, metrics, logger, config.registries.timeoutMs);
  const engine = new InferenceEngine({ ...config.inference, ortLogLevel: ortLogLevel(config.logLevel) });
  // Made at start, so a cache folder that cannot be created stops start-up rather than the first pull.
  await mkdir(config.pulls.cacheDir, { recursive: true });
  const store = await openCacheStore(config.store, config.pulls.cacheDir);
  const coordination = await openCoordination(config.redis?.url ?? null, logger, overrides.onProgress);
  const dependencies = new Dependencies(coordination.redis, store);
  const artifacts = new ArtifactIndex(db);
  const pulls = new PullService({
    db,
    artifacts,
    registries,
    calls,
    store,
    locks: coordination.locks,
    bus: coordination.bus,
    dependencies,
    logger,
    metrics,
    ...config.pulls,
  });
  const backends = new InferenceBackends(config.inference.backends, logger);
  backends.start();
  const interrupted = await pulls.recover();
  if (interrupted > 0) {
    logger.warn({ interrupted }, "pulls cut off by the last shutdown are INTERRUPTED; pulling again resumes them");
  }
  const cache = new ModelCache(registries, store, pulls, dependencies);
  const history = new InferenceHistory(db, logger);
  const stopRetention = keepHistoryFor(config.inference.historyDays, history, logger);
  const services: Services = {
    db,
    databaseHealth: await DatabaseHealth.watch(
      db,
      config.database.provider === "sqlite" ? sqliteFile(config.database.url) : null,
    ),
    logger,
    registries,
    monitor,
    catalog: new Catalog(registries, new ModelStore(db), calls),
    search: new FederatedSearch(registries, calls),
    version: packageJson.version,
    config,
    metrics,
    dependencies,
    mutationLimiter: new MutationRateLimiter(config.security.mutationsPerMinute, coordination.redis),
    inference: new InferenceService({
      files: new CachedModelFiles(registries, calls, pulls, cache),
      engine,
      history,
      maxInputBytes: config.inference.maxInputBytes,
      maxOutputBytes: config.inference.maxOutputBytes,
      logger,
      metrics,
      remote: new RemoteInference(backends, config.inference, logger, metrics),
    }),
    backends,
    pulls,
    cache,
    artifacts: new Artifacts(artifacts, store),
  };
  return {
    gateway: createGateway(services, config),
    services,
    close: async () => {
      stopRetention();
      backends.close();
      await pulls.close();
      await engine.close();
      await history.close();
      await coordination.close();
      store.close();
      await db.$disconnect();
    },
  };
}

/**
 * onnxruntime writes its own log lines to stderr, outside the gateway's JSON logs; its failures
 * reach callers and the runtime query anyway, so it speaks only when the gateway is debugging.
 */
function ortLogLevel(level: Config["logLevel"]): WorkerSettings["ortLogLevel"] {
  if (level === "trace") return "verbose";
  return level === "debug" ? "warning" : "fatal";
}
