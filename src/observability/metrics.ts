import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * The gateway's Prometheus metrics, in a registry of its own (not prom-client's global one), so
 * several gateways in one process (tests) never share counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: "gateway_http_requests_total",
    help: "HTTP requests by GraphQL operation type and response status.",
    labelNames: ["operation", "status"] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: "gateway_http_request_duration_seconds",
    help: "Time from request to response.",
    labelNames: ["operation"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: "gateway_errors_total",
    help: "Errors returned to clients, by extensions.code.",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });

  readonly registryCalls = new Histogram({
    name: "gateway_registry_call_duration_seconds",
    help: "Calls into registry strategies, by registry and outcome (ok or an error code).",
    labelNames: ["registry", "outcome"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly registryFailures = new Counter({
    name: "gateway_registry_failures_total",
    help: "Registry calls that failed, by registry and error code.",
    labelNames: ["registry", "code"] as const,
    registers: [this.registry],
  });

  readonly pulls = new Counter({
    name: "gateway_pulls_total",
    help: "Pulls that ended, by final status.",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });

  readonly pullBytes = new Counter({
    name: "gateway_pull_bytes_total",
    help: "Bytes of files downloaded and verified into the cache.",
    registers: [this.registry],
  });

  readonly inferenceDuration = new Histogram({
    name: "gateway_inference_duration_seconds",
    help: "runInference calls, by the execution provider that ran them and status.",
    labelNames: ["provider", "status"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly inferenceBackendFailures = new Counter({
    name: "gateway_inference_backend_failures_total",
    help: "Calls to remote inference backends that failed and fell over, by backend and kind (timeout, unreachable, unavailable…).",
    labelNames: ["backend", "kind"] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "gateway_" });
  }
}
