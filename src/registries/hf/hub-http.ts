import { RateLimited, RegistryUnavailable } from "../../domain/errors.js";
import { readRetryAfter } from "../../download/retry-after.js";
import type { Logger } from "../../logger.js";
import { InFlight } from "../common/in-flight.js";
import { networkFailure, RetryPolicy } from "../common/retry-policy.js";
import type { RegistryQuota } from "../types.js";
import { HubAnswerError } from "./hub-errors.js";
import { readRateLimit } from "./rate-limit-headers.js";

export interface HubHttpOptions {
  /** The registry's name, for error messages. */
  registry: string;
  /** HF_ENDPOINT, without a trailing slash; every request goes to its host. */
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
export interface HubCall {
  signal: AbortSignal;
  retryUntil: number;
}

/** A Hub answer, read whole so that identical concurrent requests can share it. */
export interface HubReply {
  status: number;
  headers: Headers;
  body: string;
}

type Method = "GET" | "HEAD";

const RETRIED_STATUSES = new Set([500, 502, 503, 504]);
const MAX_REDIRECTS = 5;

/**
 * The gateway's HTTP client for the Hub: every request goes to HF_ENDPOINT's host (the Hub's own
 * absolute links are rewritten onto it, redirects to other hosts are never followed), so the
 * token goes nowhere else. Identical concurrent requests are made once; 429s wait for the
 * RateLimit reset and 5xx or broken connections back off, within the call's budget; anything
 * else that is not a success becomes a HubAnswerError.
 */
export class HubHttp {
  private readonly inFlight = new InFlight<HubReply>();
  private readonly quotas = new Map<string, RegistryQuota>();
  private readonly origin: string;
  private throttledAt: Date | null = null;

  private readonly retry: RetryPolicy;

  constructor(private readonly options: HubHttpOptions) {
    this.retry = new RetryPolicy(options);
    this.origin = new URL(options.endpoint).origin;
  }

  /** Starts one registry call: its signal and its retry budget. */
  call(signal: AbortSignal): HubCall {
    return { signal, retryUntil: Date.now() + this.options.budgetMs };
  }

  /** A successful (2xx) answer to GET. */
  get(pathOrUrl: string, call: HubCall): Promise<HubReply> {
    return this.exchange("GET", pathOrUrl, call);
  }

  async getJson(pathOrUrl: string, call: HubCall): Promise<{ json: unknown; headers: Headers }> {
    const reply = await this.get(pathOrUrl, call);
    try {
      return { json: JSON.parse(reply.body), headers: reply.headers };
    } catch {
      throw new RegistryUnavailable(this.options.registry, "it answered with malformed JSON.");
    }
  }

  /** HEAD, where a redirect to another host (a CDN) is itself the answer: its headers describe the file. */
  head(pathOrUrl: string, call: HubCall): Promise<HubReply> {
    return this.exchange("HEAD", pathOrUrl, call);
  }

  /** A fetch for @huggingface/hub's functions, bound to one call and going through this client. */
  fetchFor(call: HubCall): typeof fetch {
    return async (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const method = (init?.method ?? "GET").toUpperCase();
      if (method !== "GET" && method !== "HEAD") throw new Error(`The gateway only reads from the Hub (${method}).`);
      const reply = await this.exchange(method, url, call);
      return new Response(reply.body || null, { status: reply.status, headers: reply.headers });
    };
  }

  /** What the Hub last said is left of its API rate-limit window. */
  quota(): RegistryQuota | null {
    const window = this.quotas.get("api") ?? [...this.quotas.values()].at(-1);
    if (!window && !this.throttledAt) return null;
    return { remaining: null, limit: null, resetsAt: null, ...window, throttledAt: this.throttledAt };
  }

  private exchange(method: Method, pathOrUrl: string, call: HubCall): Promise<HubReply> {
    const url = this.onEndpoint(pathOrUrl);
    return this.inFlight.run(`${method} ${url}`, call.signal, (signal) =>
      this.withRetries(method, url, signal, call.retryUntil),
    );
  }

  private async withRetries(method: Method, url: string, signal: AbortSignal, retryUntil: number): Promise<HubReply> {
    const { registry } = this.options;
    for (let attempt = 1; ; attempt++) {
      let reply: HubReply;
      try {
        reply = await this.send(method, url, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        const failure = networkFailure(error, new URL(url).host, "HF_ENDPOINT");
        const delay = this.retry.backoff(attempt);
        if (!failure.transient || !this.retry.mayRetry(attempt, delay, retryUntil)) {
          throw new RegistryUnavailable(registry, failure.text, { cause: error });
        }
        await this.retry.pause(delay, signal, `${failure.text}; retrying`);
        continue;
      }
      this.recordQuota(reply.headers);
      if ((reply.status >= 200 && reply.status < 300) || (method === "HEAD" && isRedirect(reply.status))) return reply;
      if (reply.status === 429) {
        const waitSeconds =
          readRateLimit(reply.headers)?.resetSeconds ??
          readRetryAfter(reply.headers) ??
          this.retry.backoff(attempt) / 1000;
        if (!this.retry.mayRetry(attempt, waitSeconds * 1000, retryUntil)) {
          throw new RateLimited(registry, Math.max(1, Math.ceil(waitSeconds)));
        }
        this.throttledAt = new Date();
        await this.retry.pause(waitSeconds * 1000, signal, "rate limited; waiting for the window to reset");
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
      throw HubAnswerError.fromReply(reply.status, reply.headers, reply.body);
    }
  }

  /** One attempt, following redirects only within the endpoint's host (renamed repositories). */
  private async send(method: Method, url: string, signal: AbortSignal): Promise<HubReply> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await this.options.fetch(target, {
        method,
        headers: this.headersFor(target, method),
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("location");
      const next = location && isRedirect(response.status) ? new URL(location, target) : null;
      if (next && next.origin === this.origin && hop < MAX_REDIRECTS) {
        await response.body?.cancel();
        target = next.href;
        continue;
      }
      const body = method === "HEAD" || next ? "" : await response.text();
      if (next) await response.body?.cancel();
      return { status: response.status, headers: response.headers, body };
    }
  }

  private headersFor(url: string, method: Method): Record<string, string> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": "model-gateway" };
    // Sizes in HEAD answers must be the file's, not those of a compressed transfer.
    if (method === "HEAD") headers["accept-encoding"] = "identity";
    if (this.options.token && new URL(url).origin === this.origin) {
      headers.authorization = `Bearer ${this.options.token}`;
    }
    return headers;
  }

  /** The Hub's own links (pagination) name its canonical host; a mirror serves the same paths. */
  private onEndpoint(pathOrUrl: string): string {
    const { endpoint } = this.options;
    if (pathOrUrl.startsWith("/")) return endpoint + pathOrUrl;
    if (pathOrUrl.startsWith(`${endpoint}/`)) return pathOrUrl;
    const url = new URL(pathOrUrl);
    const prefix = new URL(endpoint).pathname.replace(/\/$/, "");
    const path = url.pathname.startsWith(`${prefix}/`) ? url.pathname : prefix + url.pathname;
    return this.origin + path + url.search;
  }

  private recordQuota(headers: Headers): void {
    const reading = readRateLimit(headers);
    if (!reading) return;
    this.quotas.set(reading.resource, {
      remaining: reading.remaining,
      limit: reading.limit,
      resetsAt: new Date(Date.now() + reading.resetSeconds * 1000),
      windowSeconds: reading.windowSeconds,
    });
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}
