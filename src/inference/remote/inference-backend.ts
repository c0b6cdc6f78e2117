import { LRUCache } from "lru-cache";
import picomatch from "picomatch";
import type { InferenceBackendConfig } from "../../config/inference-backends.js";
import { formatModelRef, type ModelRef } from "../../domain/model-ref.js";
import { specOfOip } from "../../oip/datatypes.js";
import { BINARY_EXTENSION } from "../../oip/wire-schemas.js";
import type { Signature } from "../worker-protocol.js";
import { BackendFailure } from "./backend-failure.js";
import { type BackendModel, OipClient } from "./oip-client.js";

export type BackendStatus = "UNKNOWN" | "READY" | "UNAVAILABLE";

/** What the gateway last learnt of a backend's health. */
export interface BackendHealth {
  status: BackendStatus;
  /** Why it is UNAVAILABLE (or why its last check failed). */
  error: string | null;
  checkedAt: Date | null;
  /** The last health check's round trip. */
  latencyMs: number | null;
  /** Whether it lists the binary tensor extension (tensors then travel as raw bytes). */
  binary: boolean;
}

/** A model as a backend knows it: its signature (from its metadata) and whether it is ready there. */
export interface BackendModelState {
  signature: Signature;
  ready: boolean;
}

/** Health checks never wait longer than this, whatever the backend's inference deadline. */
const CHECK_TIMEOUT_MS = 5000;

/**
 * One remote Open Inference Protocol server: which references it serves (its globs), its health
 * (checked on a timer, and set UNAVAILABLE at once when a call to it fails), and the metadata and
 * readiness of its models, each remembered for one check interval.
 */
export class InferenceBackend {
  readonly client: OipClient;
  private health: BackendHealth = { status: "UNKNOWN", error: null, checkedAt: null, latencyMs: null, binary: false };
  private checking: Promise<void> | null = null;
  private readonly rules: Array<{ test: (text: string) => boolean; name: string | null; version: string | null }>;
  private readonly models: LRUCache<string, BackendModelState | BackendFailure>;

  constructor(
    readonly config: InferenceBackendConfig,
    fetchFn: typeof fetch,
  ) {
    this.client = new OipClient(config, fetchFn);
    this.rules = config.models.map((rule) => ({ ...rule, test: picomatch(rule.match, { dot: true }) }));
    this.models = new LRUCache({ max: 512, ttl: config.checkIntervalMs });
  }

  get name(): string {
    return this.config.name;
  }

  get state(): Readonly<BackendHealth> {
    return this.health;
  }

  /** The model's name and version on this backend, when one of its globs matches the reference. */
  target(ref: ModelRef): BackendModel | null {
    const bare = formatModelRef({ ...ref, revision: null });
    const full = formatModelRef(ref);
    const rule = this.rules.find((r) => r.test(full) || r.test(bare));
    if (!rule) return null;
    return { name: rule.name ?? bare, version: rule.version ?? ref.revision };
  }

  /** Asks `/v2/health/ready` (and `/v2` for its extensions); concurrent callers share one check. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** A call to it failed: it is skipped until a health check finds it well again. */
  markDown(reason: string): void {
    this.health = { ...this.health, status: "UNAVAILABLE", error: reason, checkedAt: new Date() };
    this.models.clear();
  }

  /** The model's signature and readiness there, from its metadata (remembered for a check interval). */
  async model(target: BackendModel, signal: AbortSignal): Promise<BackendModelState> {
    const key = `${target.name}\u0000${target.version ?? ""}`;
    const known = this.models.get(key);
    if (known instanceof BackendFailure) throw known;
    if (known) return known;
    const timeoutMs = Math.min(this.config.timeoutMs, CHECK_TIMEOUT_MS);
    try {
      const metadata = await this.client.modelMetadata(target, timeoutMs, signal);
      const ready = await this.client.modelReady(target, timeoutMs, signal);
      const state = {
        signature: { inputs: metadata.inputs.map(specOfOip), outputs: metadata.outputs.map(specOfOip) },
        ready,
      };
      this.models.set(key, state);
      return state;
    } catch (error) {
      // A model the backend does not serve stays unserved for an interval; other failures are the backend's.
      if (error instanceof BackendFailure && error.kind === "not-found") this.models.set(key, error);
      throw error;
    }
  }

  private async runCheck(): Promise<void> {
    const started = performance.now();
    const timeoutMs = Math.min(this.config.timeoutMs, CHECK_TIMEOUT_MS);
    try {
      await this.client.ready(timeoutMs);
      const extensions = await this.client.extensions(timeoutMs).catch((): string[] => []);
      const wasDown = this.health.status !== "READY";
      this.health = {
        status: "READY",
        error: null,
        checkedAt: new Date(),
        latencyMs: performance.now() - started,
        binary: extensions.includes(BINARY_EXTENSION),
      };
      if (wasDown) this.models.clear();
    } catch (error) {
      const reason = error instanceof BackendFailure ? error.message : String(error);
      this.health = { ...this.health, status: "UNAVAILABLE", error: `health check: ${reason}`, checkedAt: new Date() };
    }
  }
}
