import type { Config } from "./config.js";
import type { Dependencies } from "./coordination/dependencies.js";
import type { Database } from "./db/client.js";
import type { DatabaseHealth } from "./db/database-health.js";
import type { InferenceBackends } from "./inference/remote/inference-backends.js";
import type { Logger } from "./logger.js";
import type { Metrics } from "./observability/metrics.js";
import { factsOf, type RequestFacts } from "./observability/request-scope.js";
import type { RegistrySet } from "./registries/registry-set.js";
import { type Caller, identify } from "./security/identify.js";
import type { MutationRateLimiter } from "./security/mutation-rate-limit.js";
import type { Artifacts } from "./services/artifacts.js";
import type { Catalog } from "./services/catalog.js";
import type { FederatedSearch } from "./services/federated-search.js";
import type { InferenceService } from "./services/inference.js";
import type { ModelCache } from "./services/model-cache.js";
import type { PullService } from "./services/pulls/pull-service.js";
import type { RegistryMonitor } from "./services/registry-monitor.js";

/** Long-lived services, built once per gateway and shared by every request. */
export interface Services {
  db: Database;
  /** Whether the database really works (for /health). */
  databaseHealth: DatabaseHealth;
  logger: Logger;
  registries: RegistrySet;
  monitor: RegistryMonitor;
  catalog: Catalog;
  search: FederatedSearch;
  version: string;
  config: Config;
  metrics: Metrics;
  /** Redis and the model store, as /health reports them. */
  dependencies: Dependencies;
  mutationLimiter: MutationRateLimiter;
  inference: InferenceService;
  /** The remote inference backends (INFERENCE_BACKENDS) and their health. */
  backends: InferenceBackends;
  /** Pulls models into the cache; `ensureCached` is the inference service's way in. */
  pulls: PullService;
  /** The model cache: `localFile` gives inference a cached file's path. */
  cache: ModelCache;
  /** Files known by sha256 across registries. */
  artifacts: Artifacts;
}

/**
 * What every resolver gets, new for each request. Request-scoped DataLoaders are attached to this
 * object by Pothos's dataloader plugin (keyed on the context itself), so they never outlive it.
 */
export interface GatewayContext {
  services: Services;
  /** Aborts when the client goes away; registry calls combine it with their timeout. */
  signal: AbortSignal;
  /** Who is calling, from the Authorization header (see src/security). */
  caller: Caller;
  /** The client's IP address, when the request came over a socket. */
  clientAddress: string | null;
  /** The request's id (X-Request-Id), for log lines about work it started. */
  requestId: string | null;
  /** What the request observer records of this request (its error codes, for metrics). */
  observed: RequestFacts | null;
}

export function createContext(services: Services, request: Request, clientAddress: string | null): GatewayContext {
  const caller = identify(services.config.security.apiKeys, request.headers.get("authorization"));
  const observed = factsOf(request) ?? null;
  return { services, signal: request.signal, caller, clientAddress, requestId: observed?.id ?? null, observed };
}
