import { randomUUID } from "node:crypto";
import { RateLimited, RegistryUnavailable } from "../../domain/errors.js";
import { readRetryAfter } from "../../download/retry-after.js";
import type { Logger } from "../../logger.js";
import { InFlight } from "../common/in-flight.js";
import { networkFailure, RetryPolicy } from "../common/retry-policy.js";
import type { RegistryQuota } from "../types.js";
import { readEnvelope } from "./answer-envelope.js";
import { ModelScopeAnswerError } from "./modelscope-errors.js";

export interface ModelScopeHttpOptions {
  /** The registry's name, for error messages. */
  registry: string;
  /** MODELSCOPE_ENDPOINT, without a trailing slash; every request goes to its origin. */
  endpoint: string;
  token: string | null;
  fetch: typeof fetch;
  logger: Logger;
  maxRetries: number;
  backoffMs: number;
  /** The longest one call may spend waiting between attempts. */
  budgetMs: number;
}

/** One registry call's share of the retry budget, and the signal that ends it. */
export interface ModelScopeCall {
  signal: AbortSignal;
  retryUntil: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * The gateway's HTTP client for ModelScope. Every request goes to MODELSCOPE_ENDPOINT's origin
 * and carries the token the way ModelScope's Python SDK sends it (`Authorization: Bearer`, which
 * its OpenAPI reads, and the `m_session_id` cookie, which its `/api/v1` endpoints read); a
 * redirect to another origin is never followed. Identical concurrent requests are made once;
 * 429s wait for Retry-After and 5xx or broken connections back off, within the call's budget.
 * Answers are unwrapped from ModelScope's envelope: a success yields its data, anything else a
 * ModelScopeAnswerError (or REGISTRY_UNAVAILABLE when it cannot be read).
 */
export class ModelScopeHttp {
  private readonly inFlight = new InFlight<unknown>();
  private readonly origin: string;
  private throttledAt: Date | null = null;

  private readonly retry: RetryPolicy;

  constructor(private readonly options: ModelScopeHttpOptions) {
    this.retry = new RetryPolicy(options);
    this.origin = new URL(options.endpoint).origin;
  }

  /** Starts one registry call: its signal and its retry budget. */
  call(signal: AbortSignal): ModelScopeCall {
    return { signal, retryUntil: Date.now() + this.options.budgetMs };
  }

  /** The data of a GET to `path` (with its query) on the endpoint. */
  getData(path: string, call: ModelScopeCall): Promise<unknown> {
    const url = this.options.endpoint + path;
    return this.inFlight.run(url, call.signal, (signal) => this.withRetries(url, signal, call.retryUntil));
  }

  /** The credentials for a request to the endpoint's origin (downloads carry them too); none without a token. */
  credentials(): Record<string, string> {
    const { token } = this.options;
    return token ? { authorization: `Bearer ${token}`, cookie: `m_session_id=${token}` } : {};
  }

  /** ModelScope publishes no quota; this says only when it last made the gateway wait. */
  quota(): RegistryQuota | null {
    return this.throttledAt ? { remaining: null, limit: null, resetsAt: null, throttledAt: this.throttledAt } : null;
  }

  private async withRetries(url: string, signal: AbortSignal, retryUntil: number): Promise<unknown> {
    const { registry } = this.options;
    for (let attempt = 1; ; attempt++) {
      let reply: { status: number; headers: Headers; json: unknown };
      try {
        reply = await this.send(url, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        const failure = networkFailure(error, new URL(url).host, "MODELSCOPE_ENDPOINT");
        const delay = this.retry.backoff(attempt);
        if (!failure.transient || !this.retry.mayRetry(attempt, delay, retryUntil)) {
          throw new RegistryUnavailable(registry, failure.text, { cause: error });
        }
        await this.retry.pause(delay, signal, `${failure.text}; retrying`);
        continue;
      }
      const reading = readEnvelope(registry, reply.status, reply.json);
      if (reading.ok) return reading.data;
      if (reading.status === 429) {
        const waitSeconds = readRetryAfter(reply.headers) ?? this.retry.backoff(attempt) / 1000;
        if (!this.retry.mayRetry(attempt, waitSeconds * 1000, retryUntil)) {
          throw new RateLimited(registry, Math.max(1, Math.ceil(waitSeconds)));
        }
        this.throttledAt = new Date();
        await this.retry.pause(waitSeconds * 1000, signal, "rate limited; waiting for Retry-After");
        continue;
      }
      if (reading.status >= 500) {
        const delay = (readRetryAfter(reply.headers) ?? this.retry.backoff(attempt) / 1000) * 1000;
        if (!this.retry.mayRetry(attempt, delay, retryUntil)) {
          const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
          const said = reading.message ? `: ${reading.message}` : "";
          throw new RegistryUnavailable(registry, `it answered HTTP ${reading.status}${tries}${said}.`);
        }
        await this.retry.pause(delay, signal, `HTTP ${reading.status}; retrying`);
        continue;
      }
      throw new ModelScopeAnswerError(reading.status, reading.code, reading.message, reading.requestId);
    }
  }

  /** One attempt, following redirects only within the endpoint's origin. */
  private async send(url: string, signal: AbortSignal): Promise<{ status: number; headers: Headers; json: unknown }> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await this.options.fetch(target, {
        headers: this.headersFor(target),
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("location");
      const next = location && REDIRECTS.has(response.status) ? new URL(location, target) : null;
      if (next && next.origin === this.origin && hop < MAX_REDIRECTS) {
        await response.body?.cancel();
        target = next.href;
        continue;
      }
      if (next) {
        await response.body?.cancel();
        return { status: response.status, headers: response.headers, json: null };
      }
      const body = await response.text();
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, json };
    }
  }

  private headersFor(url: string): Record<string, string> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": "model-gateway",
      // ModelScope's SDK tags every request with an id that its error answers echo.
      "x-request-id": randomUUID().replaceAll("-", ""),
    };
    return new URL(url).origin === this.origin ? { ...headers, ...this.credentials() } : headers;
  }
}
