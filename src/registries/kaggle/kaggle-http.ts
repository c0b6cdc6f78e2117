import { RateLimited, RegistryUnavailable } from "../../domain/errors.js";
import { readRetryAfter } from "../../download/retry-after.js";
import type { Logger } from "../../logger.js";
import { InFlight } from "../common/in-flight.js";
import { networkFailure, RetryPolicy } from "../common/retry-policy.js";
import type { RegistryQuota } from "../types.js";
import { KaggleAnswerError } from "./kaggle-errors.js";

/** Bearer (KAGGLE_API_TOKEN) or basic (KAGGLE_USERNAME and KAGGLE_KEY) credentials; null: anonymous. */
export type KaggleCredentials = { token: string } | { username: string; key: string } | null;

export interface KaggleHttpOptions {
  /** The registry's name, for error messages. */
  registry: string;
  /** KAGGLE_API_ENDPOINT, without a trailing slash; RPCs are `<endpoint>/v1/<service>/<method>`. */
  endpoint: string;
  credentials: KaggleCredentials;
  fetch: typeof fetch;
  logger: Logger;
  maxRetries: number;
  backoffMs: number;
  /** The longest one call may spend waiting between attempts. */
  budgetMs: number;
}

/** One registry call's share of the retry budget, and the signal that ends it. */
export interface KaggleCall {
  signal: AbortSignal;
  retryUntil: number;
}

const SERVICE = "models.ModelApiService";
/** What a call reads: the answer's JSON, or only whether it succeeded (a download's redirect). */
type Mode = "json" | "probe";
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

/**
 * The gateway's client for Kaggle's API, calling it as the Kaggle SDK's KaggleHttpClient does:
 * every call is a POST of the request's JSON to `<endpoint>/v1/models.ModelApiService/<Method>`,
 * with the credentials as an Authorization header, to the endpoint's origin only (redirects are
 * not followed). Identical concurrent calls are made once; a 429 waits for its Retry-After and
 * 5xx or broken connections back off, within the call's budget; other failures become a
 * KaggleAnswerError, as does a 200 whose JSON carries an error code (the SDK checks for those too).
 */
export class KaggleHttp {
  private readonly inFlight = new InFlight<unknown>();
  private throttledAt: Date | null = null;

  private readonly retry: RetryPolicy;

  constructor(private readonly options: KaggleHttpOptions) {
    this.retry = new RetryPolicy(options);
  }

  /** Starts one registry call: its signal and its retry budget. */
  call(signal: AbortSignal): KaggleCall {
    return { signal, retryUntil: Date.now() + this.options.budgetMs };
  }

  /** The URL of one of the model service's methods. */
  rpcUrl(method: string): string {
    return `${this.options.endpoint}/v1/${SERVICE}/${method}`;
  }

  /**
   * The headers of every request, those of the SDK's session: the JSON body's type, the client, the
   * credentials. Only ever sent to the endpoint's origin.
   */
  headers(): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "model-gateway" };
    const { credentials } = this.options;
    if (credentials && "token" in credentials) headers.authorization = `Bearer ${credentials.token}`;
    else if (credentials) {
      const pair = Buffer.from(`${credentials.username}:${credentials.key}`).toString("base64");
      headers.authorization = `Basic ${pair}`;
    }
    return headers;
  }

  /** Calls one method with the request's fields (those left undefined are not sent) and answers its JSON. */
  rpc(method: string, request: Record<string, unknown>, call: KaggleCall): Promise<unknown> {
    return this.exchange(method, request, call, "json");
  }

  /**
   * Calls a method whose answer is a redirect to a file (DownloadModelInstanceVersion) without
   * reading or following it: success means Kaggle would serve the file to these credentials.
   */
  async probe(method: string, request: Record<string, unknown>, call: KaggleCall): Promise<void> {
    await this.exchange(method, request, call, "probe");
  }

  private exchange(method: string, request: Record<string, unknown>, call: KaggleCall, mode: Mode): Promise<unknown> {
    const body = JSON.stringify(request);
    return this.inFlight.run(`${mode} ${method} ${body}`, call.signal, (signal) =>
      this.withRetries(method, body, mode, signal, call.retryUntil),
    );
  }

  /** When Kaggle last made a call wait for its rate limit (Kaggle sends no quota headers). */
  quota(): RegistryQuota | null {
    return this.throttledAt ? { remaining: null, limit: null, resetsAt: null, throttledAt: this.throttledAt } : null;
  }

  private async withRetries(
    method: string,
    body: string,
    mode: Mode,
    signal: AbortSignal,
    retryUntil: number,
  ): Promise<unknown> {
    const { registry } = this.options;
    const url = this.rpcUrl(method);
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      let text = "";
      try {
        response = await this.options.fetch(url, {
          method: "POST",
          headers: this.headers(),
          body,
          redirect: "manual",
          signal,
        });
        if (mode === "probe" && response.status >= 200 && response.status < 400) {
          await response.body?.cancel();
          return null;
        }
        text = await response.text();
      } catch (error) {
        if (signal.aborted) throw error;
        const failure = networkFailure(error, new URL(url).host, "endpoint");
        const delay = this.retry.backoff(attempt);
        if (!failure.transient || !this.retry.mayRetry(attempt, delay, retryUntil)) {
          throw new RegistryUnavailable(registry, failure.text, { cause: error });
        }
        await this.retry.pause(delay, signal, `${failure.text}; retrying`);
        continue;
      }
      const { status, headers } = response;
      if (status === 429) {
        const waitSeconds = readRetryAfter(headers) ?? this.retry.backoff(attempt) / 1000;
        if (!this.retry.mayRetry(attempt, waitSeconds * 1000, retryUntil)) {
          throw new RateLimited(registry, Math.max(1, Math.ceil(waitSeconds)));
        }
        this.throttledAt = new Date();
        await this.retry.pause(waitSeconds * 1000, signal, "rate limited; waiting for Retry-After");
        continue;
      }
      if (RETRIED_STATUSES.has(status)) {
        const delay = (readRetryAfter(headers) ?? this.retry.backoff(attempt) / 1000) * 1000;
        if (!this.retry.mayRetry(attempt, delay, retryUntil)) {
          const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
          throw new RegistryUnavailable(registry, `it answered HTTP ${status} to ${method}${tries}.`);
        }
        await this.retry.pause(delay, signal, `HTTP ${status}; retrying`);
        continue;
      }
      if (status < 200 || status >= 300) throw KaggleAnswerError.fromAnswer(status, text);
      return this.parse(method, text, status);
    }
  }

  private parse(method: string, text: string, status: number): unknown {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new RegistryUnavailable(this.options.registry, `it answered ${method} with malformed JSON.`);
    }
    const code = (json as { code?: unknown } | null)?.code;
    if (typeof code === "number" && code >= 400) throw KaggleAnswerError.fromAnswer(status, text);
    return json;
  }
}
