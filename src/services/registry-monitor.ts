import { GatewayError, isUnreachable, RateLimited } from "../domain/errors.js";

export type RegistryStatus = "UNKNOWN" | "OK" | "DEGRADED" | "UNREACHABLE";

export interface RegistryHealth {
  status: RegistryStatus;
  lastError: string | null;
  lastCheckedAt: Date | null;
  lastLatencyMs: number | null;
}

const NEVER_CALLED: RegistryHealth = Object.freeze({
  status: "UNKNOWN",
  lastError: null,
  lastCheckedAt: null,
  lastLatencyMs: null,
});

/**
 * Remembers how each registry's last call went, for the `registries` query and /health.
 * A registry that answered, even "not found", is OK; one that is rate limiting is DEGRADED;
 * one that could not be reached or timed out is UNREACHABLE.
 */
export class RegistryMonitor {
  private readonly health = new Map<string, RegistryHealth>();

  recordSuccess(registry: string, latencyMs: number): void {
    this.health.set(registry, { status: "OK", lastError: null, lastCheckedAt: new Date(), lastLatencyMs: latencyMs });
  }

  /**
   * A failed call. Only failures of the registry itself change its health; an answer such as "no
   * such model" is a healthy registry answering a client's mistake, which other clients must not see.
   */
  recordFailure(registry: string, error: unknown, latencyMs: number): void {
    if (!isUnreachable(error) && !(error instanceof RateLimited)) {
      this.recordSuccess(registry, latencyMs);
      return;
    }
    const status = isUnreachable(error) ? "UNREACHABLE" : "DEGRADED";
    this.health.set(registry, {
      status,
      lastError: describe(error),
      lastCheckedAt: new Date(),
      lastLatencyMs: latencyMs,
    });
  }

  /** The call was answered, after waiting for the registry's rate-limit window to reset. */
  recordThrottled(registry: string, latencyMs: number): void {
    this.health.set(registry, {
      status: "DEGRADED",
      lastError: "RATE_LIMITED: the last call was answered after waiting for the rate-limit window to reset.",
      lastCheckedAt: new Date(),
      lastLatencyMs: latencyMs,
    });
  }

  /** The call was answered from the registry's stored copy because its source could not be read. */
  recordStale(registry: string, latencyMs: number): void {
    this.health.set(registry, {
      status: "DEGRADED",
      lastError: "REGISTRY_UNAVAILABLE: its source could not be read; a stored copy answered (models say stale: true).",
      lastCheckedAt: new Date(),
      lastLatencyMs: latencyMs,
    });
  }

  /** A batch call answered for some items while `error` kept the registry from answering the others. */
  recordPartial(registry: string, error: unknown, latencyMs: number): void {
    this.health.set(registry, {
      status: "DEGRADED",
      lastError: describe(error),
      lastCheckedAt: new Date(),
      lastLatencyMs: latencyMs,
    });
  }

  healthOf(registry: string): RegistryHealth {
    return this.health.get(registry) ?? NEVER_CALLED;
  }
}

function describe(error: unknown): string | null {
  return error instanceof GatewayError ? `${error.code}: ${error.message}` : null;
}
