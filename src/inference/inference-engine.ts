import type { ExecutionProviderName } from "../config.js";
import { ExecutionProviderUnavailable, InferenceFailed } from "../domain/errors.js";
import { ExecutionProviders, ortMessage } from "./execution-providers.js";
import { type CachedSession, type ModelFileOnDisk, SessionCache } from "./session-cache.js";
import { WorkerPool } from "./worker-pool.js";
import { buffersOf, type Signature, type WireTensor, type WorkerSettings } from "./worker-protocol.js";

/** AUTO, or one provider by name. */
export type ProviderRequest = "auto" | ExecutionProviderName;

/** One provider considered for a call: the one that ran, or one skipped and why. */
export interface ProviderAttempt {
  provider: ExecutionProviderName;
  used: boolean;
  reason: string | null;
}

export interface OpenedSession {
  session: CachedSession;
  signature: Signature;
  provider: ExecutionProviderName;
  attempts: ProviderAttempt[];
  /** Time spent getting the session: 0-ish when it was cached, its creation otherwise. */
  loadMs: number;
  reused: boolean;
}

export interface EngineSettings extends WorkerSettings {
  providers: readonly ExecutionProviderName[];
  sessionCacheSize: number;
  workers: number;
}

const REMEMBERED_FAILURES = 256;

/**
 * Runs ONNX models off the event loop: picks an execution provider (falling back in
 * EXECUTION_PROVIDERS order), keeps sessions in a bounded cache in worker threads, and runs them.
 */
export class InferenceEngine {
  readonly providers: ExecutionProviders;
  readonly cache: SessionCache;
  readonly pool: WorkerPool;
  /** Model files a provider could not load, so AUTO goes straight past it next time. */
  private readonly modelFailures = new Map<string, string>();

  constructor(settings: EngineSettings) {
    this.pool = new WorkerPool(settings.workers, settings, (worker) => this.cache.dropWorker(worker));
    this.cache = new SessionCache(this.pool, settings.sessionCacheSize);
    this.providers = new ExecutionProviders(this.pool, settings.providers);
  }

  /** A session for the file on the requested provider, or on the first of AUTO's that can load it. */
  async open(file: ModelFileOnDisk, requested: ProviderRequest): Promise<OpenedSession> {
    const started = performance.now();
    const candidates = requested === "auto" ? this.providers.enabled : [await this.requireAvailable(requested)];
    const attempts: ProviderAttempt[] = [];
    for (const [index, provider] of candidates.entries()) {
      const check = await this.providers.check(provider);
      if (!check.initialized) {
        attempts.push({ provider, used: false, reason: `did not initialise: ${check.error}` });
        continue;
      }
      const failureKey = `${file.sha256}:${provider}`;
      const earlier = this.modelFailures.get(failureKey);
      if (earlier !== undefined && index < candidates.length - 1) {
        attempts.push({ provider, used: false, reason: `could not load this model earlier: ${earlier}` });
        continue;
      }
      try {
        const { session, signature, reused } = await this.cache.acquire(file, provider);
        attempts.push({ provider, used: true, reason: null });
        return { session, signature, provider, attempts, loadMs: performance.now() - started, reused };
      } catch (error) {
        if (error instanceof InferenceFailed) throw error; // the worker stopped: not the provider's fault
        const reason = ortMessage(error);
        this.rememberFailure(failureKey, reason);
        attempts.push({ provider, used: false, reason: `could not load this model: ${reason}` });
      }
    }
    const tried = attempts.map((a) => `${a.provider.toUpperCase()} ${a.reason}`).join("; ");
    if (attempts.every((attempt) => attempt.reason?.startsWith("did not initialise"))) {
      throw new ExecutionProviderUnavailable(`No enabled execution provider initialises on this machine: ${tried}.`);
    }
    throw new InferenceFailed(`ONNX Runtime could not load the model: ${tried}.`);
  }

  async run(
    session: CachedSession,
    feeds: WireTensor[],
    fetches: string[],
  ): Promise<{ outputs: WireTensor[]; runMs: number; queuedMs: number }> {
    try {
      const { value, queuedMs } = await this.pool.call(
        session.worker,
        "run",
        { id: session.id, feeds, fetches },
        buffersOf(feeds),
      );
      return { ...value, queuedMs };
    } catch (error) {
      if (error instanceof InferenceFailed) throw error;
      throw new InferenceFailed(`ONNX Runtime could not run the model: ${ortMessage(error)}`);
    }
  }

  release(session: CachedSession): void {
    this.cache.release(session);
  }

  /** Sessions open in the workers, as they count them (after any release still queued). */
  async openSessions(): Promise<number> {
    const counts = await Promise.all(
      Array.from({ length: this.pool.size }, (_, worker) =>
        this.pool.isStarted(worker) ? this.pool.call(worker, "count", {}).then((r) => r.value) : 0,
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async requireAvailable(provider: ExecutionProviderName): Promise<ExecutionProviderName> {
    const available = await this.providers.available();
    if (available.includes(provider)) return provider;
    const names = available.map((name) => name.toUpperCase()).join(", ") || "none";
    const why = this.providers.enabled.includes(provider)
      ? `did not initialise on this machine (${(await this.providers.check(provider)).error})`
      : `is not enabled (EXECUTION_PROVIDERS is ${this.providers.enabled.join(",")})`;
    throw new ExecutionProviderUnavailable(
      `Execution provider ${provider.toUpperCase()} ${why}. Available: ${names}; AUTO picks the first.`,
      { field: "executionProvider" },
    );
  }

  private rememberFailure(key: string, reason: string): void {
    this.modelFailures.delete(key);
    this.modelFailures.set(key, reason);
    const oldest = this.modelFailures.keys().next().value;
    if (this.modelFailures.size > REMEMBERED_FAILURES && oldest !== undefined) this.modelFailures.delete(oldest);
  }
}
