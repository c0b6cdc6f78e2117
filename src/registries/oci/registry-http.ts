import { RateLimited, RegistryUnavailable } from "../../domain/errors.js";
import { readRetryAfter } from "../../download/retry-after.js";
import type { Logger } from "../../logger.js";
import { networkFailure, RetryPolicy } from "../common/retry-policy.js";
import type { RegistryQuota } from "../types.js";
import { OciAnswerError } from "./oci-errors.js";
import type { TokenAuth } from "./token-auth.js";

export interface RegistryHttpOptions {
  /** The registry's name, for error messages. */
  registry: string;
  /** The base URL, without a trailing slash; `/v2/...` paths are appended to it. */
  endpoint: string;
  auth: TokenAuth;
  fetch: typeof fetch;
  logger: Logger;
  maxRetries: number;
  backoffMs: number;
  /** The longest one call may spend waiting between attempts. */
  budgetMs: number;
}

/** One registry call's share of the retry budget, and the signal that ends it. */
export interface RegistryCall {
  signal: AbortSignal;
  retryUntil: number;
}

/** A successful answer, read whole (manifests, tag lists, config blobs: all small). */
export interface RegistryReply {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered, after redirects (for Link headers relative to it). */
  url: string;
}

export interface RegistryRequest {
  /** The token scope the request needs: `repository:<name>:pull` or `registry:catalog:*`. */
  scope: string;
  accept?: string;
  method?: "GET" | "HEAD";
  /** A larger body fails the call: a manifest or config blob is never this big. */
  maxBytes?: number;
}

const RETRIED_STATUSES = new Set([500, 502, 503, 504]);
const MAX_REDIRECTS = 5;
const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

/**
 * The gateway's HTTP client for one Distribution registry. Every path goes to the endpoint's
 * origin, where the Authorization header (a bearer token for the request's scope, see TokenAuth)
 * is sent; redirects to other hosts (blob storage, a CDN) are followed without it. A 401 is
 * answered once through its challenge; 429s wait for Retry-After and 5xx or broken connections
 * back off, within the call's budget; other failures become OciAnswerErrors.
 */
export class RegistryHttp {
  private readonly origin: string;
  private throttledAt: Date | null = null;
  /** Scopes a request without credentials succeeded for: open, nothing to ask for. */
  private readonly openScopes = new Set<string>();

  private readonly retry: RetryPolicy;

  constructor(private readonly options: RegistryHttpOptions) {
    this.retry = new RetryPolicy(options);
    this.origin = new URL(options.endpoint).origin;
  }

  call(signal: AbortSignal): RegistryCall {
    return { signal, retryUntil: Date.now() + this.options.budgetMs };
  }

  /** When the registry last made a call wait for its rate limit. */
  quota(): RegistryQuota | null {
    return this.throttledAt ? { remaining: null, limit: null, resetsAt: null, throttledAt: this.throttledAt } : null;
  }

  /**
   * The Authorization header for `scope`: the one known, none for an open registry, or else the
   * one a request to `probe` (a HEAD, answering the registry's challenge) brings.
   */
  async authorization(
    probe: { path: string; accept: string },
    scope: string,
    call: RegistryCall,
  ): Promise<string | null> {
    const known = this.options.auth.header(scope);
    if (known !== null || this.openScopes.has(scope)) return known;
    await this.request(probe.path, { scope, method: "HEAD", accept: probe.accept }, call);
    return this.options.auth.latest(scope);
  }

  /** A 2xx answer to a path on the endpoint (or an absolute URL on its origin, such as a Link). */
  async request(pathOrUrl: string, request: RegistryRequest, call: RegistryCall): Promise<RegistryReply> {
    const url = pathOrUrl.startsWith("/") ? this.options.endpoint + pathOrUrl : pathOrUrl;
    if (new URL(url).origin !== this.origin) {
      throw new RegistryUnavailable(this.options.registry, `it linked to another host (${new URL(url).host}).`);
    }
    const { registry } = this.options;
    for (let attempt = 1; ; attempt++) {
      let reply: { response: Response; url: string };
      try {
        reply = await this.authorized(url, request, call.signal);
      } catch (error) {
        if (call.signal.aborted || !isNetworkError(error)) throw error;
        const failure = networkFailure(error, new URL(url).host, "endpoint");
        const delay = this.retry.backoff(attempt);
        if (!failure.transient || !this.retry.mayRetry(attempt, delay, call.retryUntil)) {
          throw new RegistryUnavailable(registry, failure.text, { cause: error });
        }
        await this.retry.pause(delay, call.signal, `${failure.text}; retrying`);
        continue;
      }
      const { response } = reply;
      if (response.ok) {
        const body = request.method === "HEAD" ? Buffer.alloc(0) : await readBody(response, request.maxBytes, registry);
        return { status: response.status, headers: response.headers, body, url: reply.url };
      }
      const text = request.method === "HEAD" ? "" : await response.text().catch(() => "");
      if (response.status === 429) {
        const waitSeconds = readRetryAfter(response.headers) ?? this.retry.backoff(attempt) / 1000;
        if (!this.retry.mayRetry(attempt, waitSeconds * 1000, call.retryUntil)) {
          throw new RateLimited(registry, Math.max(1, Math.ceil(waitSeconds)));
        }
        this.throttledAt = new Date();
        await this.retry.pause(waitSeconds * 1000, call.signal, "rate limited; waiting for Retry-After");
        continue;
      }
      if (RETRIED_STATUSES.has(response.status)) {
        const delay = (readRetryAfter(response.headers) ?? this.retry.backoff(attempt) / 1000) * 1000;
        if (!this.retry.mayRetry(attempt, delay, call.retryUntil)) {
          const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
          throw new RegistryUnavailable(registry, `it answered HTTP ${response.status}${tries}.`);
        }
        await this.retry.pause(delay, call.signal, `HTTP ${response.status}; retrying`);
        continue;
      }
      throw OciAnswerError.fromBody(response.status, text);
    }
  }

  /** One attempt with the scope's credentials; a 401 is answered through its challenge once. */
  private async authorized(url: string, request: RegistryRequest, signal: AbortSignal) {
    const { auth } = this.options;
    const header = auth.header(request.scope);
    const first = await this.send(url, request, header, signal);
    if (first.response.ok && header === null) this.openScopes.add(request.scope);
    if (first.response.status !== 401) return first;
    const answer = await auth.answer(first.response.headers.get("www-authenticate"), request.scope, signal);
    if (answer === null) return first;
    await first.response.body?.cancel();
    return this.send(url, request, answer, signal);
  }

  /** Follows redirects; the Authorization header goes to the endpoint's origin only. */
  private async send(url: string, request: RegistryRequest, authorization: string | null, signal: AbortSignal) {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { "user-agent": "model-gateway", accept: request.accept ?? "*/*" };
      if (authorization && target.origin === this.origin) headers.authorization = authorization;
      const response = await this.options.fetch(target, {
        method: request.method ?? "GET",
        headers,
        redirect: "manual",
        signal,
      });
      const location = response.headers.get("location");
      if (!isRedirect(response.status) || !location || hop >= MAX_REDIRECTS) return { response, url: target.href };
      await response.body?.cancel();
      target = new URL(location, target);
      if (target.protocol !== "https:" && target.protocol !== "http:") {
        throw new RegistryUnavailable(this.options.registry, `it redirected to a ${target.protocol} URL.`);
      }
    }
  }

  private backoff(attempt: number): number {
    const delay = Math.min(30_000, this.options.backoffMs * 2 ** (attempt - 1));
    return delay / 2 + Math.random() * (delay / 2);
  }
}

/** Reads a body up to a bound, so a hostile registry cannot fill the memory with a "manifest". */
async function readBody(response: Response, maxBytes = DEFAULT_MAX_BYTES, registry = ""): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new RegistryUnavailable(registry, `it answered ${declared} bytes where at most ${maxBytes} were expected.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw new RegistryUnavailable(registry, `it answered more than ${maxBytes} bytes.`);
    }
    chunks.push(Buffer.from(read.value));
  }
  return Buffer.concat(chunks);
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** fetch's own failures (TypeError "fetch failed" with a cause); domain errors pass through. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}
