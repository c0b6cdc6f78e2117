import { DeadlinePassed, deadline } from "../deadline.js";
import {
  GatewayError,
  isUnreachable,
  RateLimited,
  RegistryTimeout,
  RegistryUnavailable,
  RequestCancelled,
} from "../domain/errors.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { ModelManager } from "../registries/types.js";
import type { RegistryMonitor } from "./registry-monitor.js";

/**
 * Every call into a registry strategy goes through here: it gets a deadline (the request's signal
 * combined with REGISTRY_TIMEOUT_MS), cannot outlive that deadline even if the strategy ignores
 * its signal, has unexpected errors turned into REGISTRY_UNAVAILABLE (their text stays in the
 * log), and is recorded in the monitor. A request its client cancelled is not the registry's
 * failure: it ends as CANCELLED and leaves the registry's health alone.
 */
export class RegistryCalls {
  constructor(
    private readonly monitor: RegistryMonitor,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    readonly timeoutMs: number,
  ) {}

  /** A signal that aborts at the request's end or after the registry timeout, whichever is first. */
  deadline(requestSignal: AbortSignal): AbortSignal {
    return deadline(this.timeoutMs, requestSignal);
  }

  async run<T>(manager: ModelManager, deadline: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const started = performance.now();
    const calledAt = new Date();
    try {
      const result = await raceAbort(manager.name, this.timeoutMs, deadline, () => call(deadline));
      this.record(manager, result, performance.now() - started, calledAt);
      return result;
    } catch (error) {
      const failure = this.classify(manager.name, error);
      const elapsed = performance.now() - started;
      if (failure instanceof RequestCancelled) {
        this.metrics.registryCalls.observe({ registry: manager.name, outcome: failure.code }, elapsed / 1000);
        throw failure;
      }
      this.monitor.recordFailure(manager.name, failure, elapsed);
      this.metrics.registryCalls.observe({ registry: manager.name, outcome: failure.code }, elapsed / 1000);
      this.metrics.registryFailures.inc({ registry: manager.name, code: failure.code });
      throw failure;
    }
  }

  /**
   * A batch whose items failed because of the registry itself (down, rate limiting) did not
   * succeed; a call the registry made wait for its rate limit succeeded, but only just.
   */
  private record(manager: ModelManager, result: unknown, latencyMs: number, calledAt: Date): void {
    const registry = manager.name;
    this.metrics.registryCalls.observe({ registry, outcome: "ok" }, latencyMs / 1000);
    const answers: unknown[] = Array.isArray(result) ? result : [];
    const failures = answers.filter((answer) => isUnreachable(answer) || answer instanceof RateLimited);
    const throttledAt = manager.quota?.()?.throttledAt;
    if (failures.length === answers.length && failures.length > 0) {
      this.monitor.recordFailure(registry, failures[0], latencyMs);
    } else if (failures.length > 0) {
      this.monitor.recordPartial(registry, failures[0], latencyMs);
    } else if (throttledAt && throttledAt >= calledAt) {
      this.monitor.recordThrottled(registry, latencyMs);
    } else if (servedStale(result)) {
      this.monitor.recordStale(registry, latencyMs);
    } else {
      this.monitor.recordSuccess(registry, latencyMs);
    }
  }

  private classify(registry: string, error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    this.logger.warn({ registry, err: error }, "registry call failed unexpectedly");
    return new RegistryUnavailable(registry, "it failed unexpectedly (the gateway's log has the details).", {
      cause: error,
    });
  }
}

function raceAbort<T>(registry: string, timeoutMs: number, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  const stopped = () =>
    signal.reason instanceof DeadlinePassed || signal.reason instanceof RegistryTimeout
      ? new RegistryTimeout(registry, timeoutMs)
      : new RequestCancelled(`waiting for registry ${registry}`);
  if (signal.aborted) return Promise.reject(stopped());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stopped());
    signal.addEventListener("abort", onAbort, { once: true });
    call()
      .then(resolve, (error: unknown) => reject(signal.aborted ? stopped() : error))
      .finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Whether a strategy answered from its own stored copy (a manifest it could not refresh). */
function servedStale(result: unknown): boolean {
  const items: unknown[] = Array.isArray(result)
    ? result
    : result !== null && typeof result === "object" && Array.isArray((result as { items?: unknown }).items)
      ? (result as { items: unknown[] }).items
      : [];
  return items.some((item) => (item as { stale?: unknown } | null)?.stale === true);
}
