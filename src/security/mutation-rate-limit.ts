import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { REDIS_PREFIX, type RedisConnection } from "../coordination/redis-connection.js";
import { DependencyUnavailable, GatewayError } from "../domain/errors.js";
import type { Caller } from "./identify.js";

/**
 * Bounds the expensive mutations (pullModel, runInference) per API key, or per client address
 * when the gateway is open: a token bucket of `perMinute` calls refilled over a minute. Counted in
 * this process by default; in Redis when replicas share one, so N replicas share one budget per
 * key (and a Redis that is down refuses the mutation with DEPENDENCY_UNAVAILABLE, never lets it
 * through uncounted).
 */
export class MutationRateLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(
    private readonly perMinute: number,
    redis: RedisConnection | null = null,
  ) {
    this.limiter = redis
      ? new RateLimiterRedis({
          storeClient: redis.commands,
          points: perMinute,
          duration: 60,
          keyPrefix: `${REDIS_PREFIX}mutations`,
          rejectIfRedisNotReady: true,
        })
      : new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /** Counts one call for the caller, or throws RATE_LIMITED saying when to retry. */
  async consume(context: { caller: Caller; clientAddress: string | null }, operation: string): Promise<void> {
    const who = context.caller.kind === "key" ? context.caller.principal.id : (context.clientAddress ?? "local");
    try {
      await this.limiter.consume(who);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        throw new DependencyUnavailable("Redis", (rejection as Error).message ?? "no answer", { cause: rejection });
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new GatewayError(
        "RATE_LIMITED",
        `${operation} is limited to ${this.perMinute} calls a minute per client (MUTATION_RATE_LIMIT); retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
  }
}
