import type { CacheStore } from "../cache/cache-store.js";
import type { DependencyHealth } from "../db/database-health.js";
import { DependencyUnavailable } from "../domain/errors.js";
import type { RedisConnection } from "./redis-connection.js";

/** The shared services' state, for /health. */
export interface DependenciesReport {
  /** null when REDIS_URL is not set (everything runs in-process). */
  redis: DependencyHealth | null;
  store: DependencyHealth & { kind: CacheStore["kind"] };
}

/**
 * The services a replica shares with the others besides its database (Redis, the model store):
 * what /health reports of each, and the check before work that needs them, so a replica whose
 * Redis or store is down keeps answering reads and refuses pulls with DEPENDENCY_UNAVAILABLE.
 */
export class Dependencies {
  constructor(
    private readonly redis: RedisConnection | null,
    private readonly store: CacheStore,
  ) {}

  async report(): Promise<DependenciesReport> {
    const [redis, store] = await Promise.all([this.redis?.check() ?? null, this.store.check()]);
    return { redis, store: { kind: this.store.kind, ...store } };
  }

  /** Throws DEPENDENCY_UNAVAILABLE naming the first shared service that is down. */
  async assertAvailable(): Promise<void> {
    if (this.redis && !this.redis.ready) throw new DependencyUnavailable("Redis", "not connected");
    const store = await this.store.check();
    if (store.status !== "ok") throw new DependencyUnavailable("the model store", store.error ?? "no answer");
  }
}
