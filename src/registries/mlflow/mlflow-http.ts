import { RateLimited, RegistryUnavailable } from "../../domain/errors.js";
import { readRetryAfter } from "../../download/retry-after.js";
import type { Logger } from "../../logger.js";
import { InFlight } from "../common/in-flight.js";
import { networkFailure, RetryPolicy } from "../common/retry-policy.js";
import type { RegistryCredentials } from "../registry-kind.js";
import { MlflowAnswerError } from "./mlflow-errors.js";

export interface MlflowHttpOptions {
  /** The registry's name, for error messages. */
  registry: string;
  /** The tracking server's base URL (MLFLOW_TRACKING_URI), without a trailing slash. */
  endpoint: string;
  credentials: RegistryCredentials;
  fetch: typeof fetch;
  logger: Logger;
  maxRetries: number;
  backoffMs: number;
  /** The longest one call may spend waiting between attempts. */
  budgetMs: number;
}

/** One registry call's share of the retry budget, and the signal that ends it. */
export interface MlflowCall {
  signal: AbortSignal;
  retryUntil: number;
}

/** Query parameters; a list repeats its key (`order_by=a&order_by=b`), as MLflow's client sends them. */
export type QueryParams = Record<string, string | number | readonly string[] | null | undefined>;

const RETRIED_STATUSES = new Set([500, 502, 503, 504]);
const MAX_REDIRECTS = 5;

/**
 * The gateway's HTTP client for one MLflow tracking server. Reads are GETs with query parameters,
 * as MLflow's own client sends them; credentials (MLFLOW_TRACKING_TOKEN as a bearer token, or
 * username and password as basic auth) go to the server's origin only, never to a host it
 * redirects to. Identical concurrent requests are made once; 429s wait for Retry-After and
 * 5xx or broken connections back off, within the call's budget; any other failure becomes an
 * MlflowAnswerError for the registry to map.
 */
export class MlflowHttp {
  private readonly inFlight = new InFlight<string>();
  private readonly origin: string;
  /** The Authorization header, or null without credentials. Basic wins when both are set, as in MLflow's client. */
  readonly authorization: string | null;

  private readonly retry: RetryPolicy;

  constructor(private readonly options: MlflowHttpOptions) {
    this.retry = new RetryPolicy(options);
    this.origin = new URL(options.endpoint).origin;
    const { token, username, password } = options.credentials;
    this.authorization =
      username && password
        ? `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`
        : token
          ? `Bearer ${token}`
          : null;
  }

  /** Starts one registry call: its signal and its retry budget. */
  call(signal: AbortSignal): MlflowCall {
    return { signal, retryUntil: Date.now() + this.options.budgetMs };
  }

  /** `<endpoint>/api/2.0/<path>`, with the query. */
  url(path: string, params: QueryParams = {}): string {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value === null || value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
    }
    const search = query.size > 0 ? `?${query}` : "";
    return `${this.options.endpoint}/api/2.0/${path}${search}`;
  }

  /** GET of a JSON answer; malformed JSON is REGISTRY_UNAVAILABLE. */
  async getJson(path: string, params: QueryParams, call: MlflowCall): Promise<unknown> {
    const body = await this.getText(this.url(path, params), call);
    try {
      return JSON.parse(body);
    } catch {
      throw new RegistryUnavailable(this.options.registry, `it answered ${path} with malformed JSON.`);
    }
  }

  /** GET of a successful (2xx) answer's body, as text. */
  getText(url: string, call: MlflowCall): Promise<string> {
    return this.inFlight.run(url, call.signal, (signal) => this.withRetries(url, signal, call.retryUntil));
  }

  /** Headers the pull engine sends with a download from the server's own origin. */
  downloadHeaders(): Record<string, string> {
    return this.authorization ? { authorization: this.authorization } : {};
  }

  private async withRetries(url: string, signal: AbortSignal, retryUntil: number): Promise<string> {
    const { registry } = this.options;
    for (let attempt = 1; ; attempt++) {
      let reply: { status: number; headers: Headers; body: string };
      try {
        reply = await this.send(url, signal);
      } catch (error) {
        if (signal.aborted || error instanceof RegistryUnavailable) throw error;
        const failure = networkFailure(error, new URL(url).host, "MLFLOW_TRACKING_URI");
        const delay = this.retry.backoff(attempt);
        if (!failure.transient || !this.retry.mayRetry(attempt, delay, retryUntil)) {
          throw new RegistryUnavailable(registry, failure.text, { cause: error });
        }
        await this.retry.pause(delay, signal, `${failure.text}; retrying`);
        continue;
      }
      if (reply.status >= 200 && reply.status < 300) return reply.body;
      if (reply.status === 429) {
        const waitSeconds = readRetryAfter(reply.headers) ?? this.retry.backoff(attempt) / 1000;
        if (!this.retry.mayRetry(attempt, waitSeconds * 1000, retryUntil)) {
          throw new RateLimited(registry, Math.max(1, Math.ceil(waitSeconds)));
        }
        await this.retry.pause(waitSeconds * 1000, signal, "rate limited; waiting for Retry-After");
        continue;
      }
      if (RETRIED_STATUSES.has(reply.status)) {
        const delay = (readRetryAfter(reply.headers) ?? this.retry.backoff(attempt) / 1000) * 1000;
        if (!this.retry.mayRetry(attempt, delay, retryUntil)) {
          const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
          throw new RegistryUnavailable(registry, `it answered HTTP ${reply.status}${tries}.`);
        }
        await this.retry.pause(delay, signal, `HTTP ${reply.status}; retrying`);
        continue;
      }
      throw MlflowAnswerError.fromReply(reply.status, reply.body);
    }
  }

  /**
   * One attempt, following redirects (a proxy may send artifact downloads to a storage host); the
   * credentials go only to requests on the server's own origin.
   */
  private async send(url: string, signal: AbortSignal): Promise<{ status: number; headers: Headers; body: string }> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { accept: "application/json", "user-agent": "model-gateway" };
      if (this.authorization && new URL(target).origin === this.origin) headers.authorization = this.authorization;
      const response = await this.options.fetch(target, { method: "GET", headers, redirect: "manual", signal });
      const location = response.headers.get("location");
      if (location && response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        if (hop >= MAX_REDIRECTS) {
          throw new RegistryUnavailable(
            this.options.registry,
            `it redirected ${new URL(url).pathname} too many times.`,
          );
        }
        target = new URL(location, target).href;
        continue;
      }
      return { status: response.status, headers: response.headers, body: await response.text() };
    }
  }
}
