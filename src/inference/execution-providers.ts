import ort from "onnxruntime-node";
import { EXECUTION_PROVIDER_NAMES, type ExecutionProviderName } from "../config.js";
import { missingPrerequisite } from "./provider-prerequisites.js";
import type { WorkerPool } from "./worker-pool.js";

/** Whether a provider could set itself up on this machine, learnt once per process. */
export interface ProviderCheck {
  initialized: boolean;
  /** Why it could not, in onnxruntime's words. */
  error: string | null;
  checkedAt: Date;
}

/**
 * The execution providers this onnxruntime-node build has, and whether each initialises here.
 * Each is checked once, with a tiny model in a session worker, and the answer kept: a provider
 * that failed (no GPU adapter, no CUDA libraries) is not retried on every call.
 */
export class ExecutionProviders {
  /** Providers compiled into (or installable for) this build, in the gateway's order. */
  readonly built: readonly ExecutionProviderName[];
  private readonly checks = new Map<ExecutionProviderName, Promise<ProviderCheck>>();

  constructor(
    private readonly pool: WorkerPool,
    /** EXECUTION_PROVIDERS: what AUTO tries, in order, and all an explicit request may name. */
    readonly enabled: readonly ExecutionProviderName[],
  ) {
    const backends = new Set(ort.listSupportedBackends().map((backend) => backend.name));
    this.built = EXECUTION_PROVIDER_NAMES.filter((name) => backends.has(name));
  }

  check(provider: ExecutionProviderName): Promise<ProviderCheck> {
    let check = this.checks.get(provider);
    if (!check) {
      check = this.probe(provider);
      this.checks.set(provider, check);
    }
    return check;
  }

  /** Enabled providers that initialise here, in EXECUTION_PROVIDERS order. */
  async available(): Promise<ExecutionProviderName[]> {
    const checks = await Promise.all(this.enabled.map((provider) => this.check(provider)));
    return this.enabled.filter((_, i) => checks[i]?.initialized);
  }

  private async probe(provider: ExecutionProviderName): Promise<ProviderCheck> {
    if (!this.built.includes(provider)) {
      return {
        initialized: false,
        error: `this onnxruntime-node build has no ${provider} provider`,
        checkedAt: new Date(),
      };
    }
    const missing = await missingPrerequisite(provider);
    if (missing) return { initialized: false, error: missing, checkedAt: new Date() };
    try {
      await this.pool.call(0, "probe", { provider });
      return { initialized: true, error: null, checkedAt: new Date() };
    } catch (error) {
      return { initialized: false, error: ortMessage(error), checkedAt: new Date() };
    }
  }
}

/**
 * onnxruntime's first line, without the source location and failed check it sometimes starts
 * with, and with the absolute paths it names (the model file's, its source files') cut to their
 * last segment: messages reach clients and history, which must not map the server's disk.
 */
export function ortMessage(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  const check = /^\/\S+:\d+ .*? was false\. /s.exec(text);
  const message = check ? text.slice(check[0].length) : text.replace(/^\/\S+:\d+ /, "");
  // Callers end their own sentences.
  return withoutPaths((message.split("\n")[0] ?? "").trim()).replace(/\.+$/, "");
}

/** `/srv/cache/models--x/snapshots/abc/model.onnx` becomes `model.onnx`, wherever it appears. */
export function withoutPaths(text: string): string {
  return text.replace(/(?<![\w.])(?:[A-Za-z]:)?[/\\](?:[^\s"'/\\:]+[/\\])+([^\s"'/\\:]*)/g, "$1");
}

/** The onnxruntime-node version the gateway runs. */
export const ONNXRUNTIME_VERSION: string = ort.env.versions.node ?? "unknown";
