import type { InferenceBackendConfig } from "../../config/inference-backends.js";
import type { ModelRef } from "../../domain/model-ref.js";
import type { Logger } from "../../logger.js";
import { type BackendHealth, InferenceBackend } from "./inference-backend.js";
import type { BackendModel } from "./oip-client.js";

/** A backend that serves a model, and the model's name and version there. */
export interface BackendCandidate {
  backend: InferenceBackend;
  model: BackendModel;
}

/** A backend as `runtime` and `/health` show it. */
export interface BackendReport extends BackendHealth {
  name: string;
  url: string;
  models: string[];
  weight: number;
}

/**
 * The remote backends of INFERENCE_BACKENDS: each checked at once and then every check interval
 * (timers that never keep the process alive), and the ones serving a model in the order to try
 * them: a weighted random order, so calls spread over them by weight.
 */
export class InferenceBackends {
  readonly all: readonly InferenceBackend[];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    configs: readonly InferenceBackendConfig[],
    private readonly logger: Logger,
    fetchFn: typeof fetch = fetch,
  ) {
    this.all = configs.map((config) => new InferenceBackend(config, fetchFn));
  }

  /** Starts the health checks. */
  start(): void {
    for (const backend of this.all) {
      const check = async () => {
        const before = backend.state.status;
        await backend.check();
        const { status, error } = backend.state;
        if (status === before) return;
        if (status === "READY") this.logger.info({ backend: backend.name }, "inference backend ready");
        else this.logger.warn({ backend: backend.name, error }, "inference backend unavailable");
      };
      void check();
      const timer = setInterval(check, backend.config.checkIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** The backends whose globs match the reference, in the order to try them. */
  candidates(ref: ModelRef): BackendCandidate[] {
    return this.all
      .flatMap((backend) => {
        const model = backend.target(ref);
        // Efraimidis and Spirakis: sorting by u^(1/w) draws an order in proportion to the weights.
        return model ? [{ backend, model, key: Math.random() ** (1 / backend.config.weight) }] : [];
      })
      .sort((a, b) => b.key - a.key)
      .map(({ backend, model }) => ({ backend, model }));
  }

  report(): BackendReport[] {
    return this.all.map((backend) => ({
      name: backend.name,
      url: backend.config.url,
      models: backend.config.models.map((rule) => rule.match),
      weight: backend.config.weight,
      ...backend.state,
    }));
  }

  close(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }
}
