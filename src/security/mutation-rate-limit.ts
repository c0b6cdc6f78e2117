import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { GatewayContext } from "../context.js";
import { GatewayError } from "../errors.js";

/**
 * Bounds the expensive mutations (pullModel, runInference) per API key, or per client address
 * when the gateway is open: a token bucket of `perMinute` calls refilled over a minute.
 */
export class MutationRateLimiter {
  private readonly limiter: RateLimiterMemory;

  constructor(private readonly perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /** Counts one call for the caller, or throws RATE_LIMITED saying when to retry. */
  async consume(context: Pick<GatewayContext, "caller" | "clientAddress">, operation: string): Promise<void> {
    const who = context.caller.kind === "key" ? context.caller.principal.id : (context.clientAddress ?? "local");
    try {
      await this.limiter.consume(who);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new GatewayError(
        "RATE_LIMITED",
        `${operation} is limited to ${this.perMinute} calls a minute per client (MUTATION_RATE_LIMIT); retry in ${retryAfterSeconds} s.`,
        { retryAfterSeconds },
      );
    }
  }
}
