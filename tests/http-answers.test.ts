import { describe, expect, it } from "vitest";
import { connectionFailure, statusFailure } from "../src/download/http-failure.js";
import { readRetryAfter } from "../src/download/retry-after.js";
import { createLogger } from "../src/logger.js";
import { networkFailure, RetryPolicy } from "../src/registries/common/retry-policy.js";
import { readRateLimit } from "../src/registries/hf/rate-limit-headers.js";

/**
 * How the registry clients and the download engine read what a server answered: rate-limit and
 * Retry-After headers, error statuses and broken connections, and how long they wait before the
 * next attempt. Pure functions, checked on exact values (the HTTP tests check them in flight).
 */
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const subject = { registry: "hf", ref: "hf:acme/vision", path: "onnx/model.onnx" };

describe("Retry-After", () => {
  it("reads seconds, an HTTP date from now, and nothing else", () => {
    const at = (value: string) => readRetryAfter(new Headers({ "retry-after": value }), NOW);
    expect(at("120")).toBe(120);
    expect(at(" 7 ")).toBe(7);
    expect(at(new Date(NOW + 90_500).toUTCString())).toBe(90);
    expect(at(new Date(NOW - 60_000).toUTCString())).toBe(0);
    expect(at("soon")).toBeNull();
    expect(readRetryAfter(new Headers(), NOW)).toBeNull();
  });
});

describe("RateLimit headers", () => {
  it("reads the current window of a bucket and its policy", () => {
    const headers = new Headers({
      ratelimit: '"api";r=12;t=34',
      "ratelimit-policy": '"fixed window";"resolvers";q=3000;w=300, "fixed window";"api";q=1000;w=300',
    });
    expect(readRateLimit(headers)).toEqual({
      resource: "api",
      remaining: 12,
      resetSeconds: 34,
      limit: 1000,
      windowSeconds: 300,
    });
  });

  it("reads a window without a policy, and nothing from a member lacking r or t", () => {
    expect(readRateLimit(new Headers({ ratelimit: '"pages";r=0;t=5' }))).toEqual({
      resource: "pages",
      remaining: 0,
      resetSeconds: 5,
      limit: null,
      windowSeconds: null,
    });
    expect(readRateLimit(new Headers({ ratelimit: '"api";r=5' }))).toBeNull();
    expect(readRateLimit(new Headers({ ratelimit: '"api";t=5;r=x' }))).toBeNull();
    expect(readRateLimit(new Headers())).toBeNull();
  });

  it("takes the first member that has both, when several are sent", () => {
    const headers = new Headers({ ratelimit: '"api";r=1, "resolvers";r=7;t=9' });
    expect(readRateLimit(headers)).toMatchObject({ resource: "resolvers", remaining: 7, resetSeconds: 9 });
  });
});

describe("a download's error status", () => {
  it("gives up at once on 401, 403, 404 and 410 with the code that names why", () => {
    const failure = (status: number) => statusFailure(status, {}, subject);
    expect([401, 403, 404, 410].map((status) => [failure(status).error.code, failure(status).retryAfterMs])).toEqual([
      ["AUTHENTICATION_REQUIRED", null],
      ["ACCESS_DENIED", null],
      ["FILE_NOT_FOUND", null],
      ["FILE_NOT_FOUND", null],
    ]);
    expect(failure(401).message).toBe(
      "Registry hf refused to serve onnx/model.onnx of hf:acme/vision (HTTP 401): it needs a token.",
    );
    expect(failure(403).message).toContain("(HTTP 403): the token has no access.");
  });

  it("waits out a 429's Retry-After up to 30 s, and gives up on a longer one", () => {
    const limited = (retryAfter?: string) => statusFailure(429, { "retry-after": retryAfter }, subject);
    expect(limited("30")).toMatchObject({ retryAfterMs: 30_000, error: { code: "RATE_LIMITED" } });
    expect(limited("31")).toMatchObject({ retryAfterMs: null, error: { details: { retryAfterSeconds: 31 } } });
    expect(limited("2.2").retryAfterMs).toBe(3000);
    expect(limited().retryAfterMs).toBe(1000);
    expect(limited("whenever").retryAfterMs).toBe(1000);
    expect(limited(new Date(Date.now() + 600_000).toUTCString()).retryAfterMs).toBeNull();
  });

  it("retries a 5xx and a 408 at once, and gives up on other statuses", () => {
    expect([500, 503, 408, 400, 418].map((status) => statusFailure(status, {}, subject).retryAfterMs)).toEqual([
      0,
      0,
      0,
      null,
      null,
    ]);
    expect(statusFailure(503, {}, subject).error).toMatchObject({
      code: "REGISTRY_UNAVAILABLE",
      message: expect.stringContaining("the download of onnx/model.onnx answered HTTP 503"),
    });
  });
});

describe("a broken connection", () => {
  const withCode = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

  it("resumes a dropped download, and fails at once when the host is unknown or refuses", () => {
    expect(connectionFailure(withCode("ECONNRESET"), subject).retryAfterMs).toBe(0);
    expect(connectionFailure(withCode("ENOTFOUND"), subject)).toMatchObject({
      retryAfterMs: null,
      message: expect.stringContaining("the download of onnx/model.onnx failed: the host name does not resolve"),
    });
    expect(connectionFailure(withCode("ECONNREFUSED"), subject).message).toContain("the server refused the connection");
  });

  it("tells a registry client whether to try again, naming the setting to check", () => {
    const failed = (code: string) =>
      networkFailure(new TypeError("fetch failed", { cause: withCode(code) }), "hub.test", "HF_ENDPOINT");
    expect(failed("ENOTFOUND")).toEqual({
      transient: false,
      text: "the host name hub.test does not resolve (offline, or a wrong HF_ENDPOINT?).",
    });
    expect(failed("ECONNREFUSED")).toEqual({ transient: false, text: "hub.test refused the connection." });
    expect(failed("UND_ERR_HEADERS_TIMEOUT")).toEqual({
      transient: true,
      text: "the connection to hub.test failed (UND_ERR_HEADERS_TIMEOUT).",
    });
    expect(networkFailure(new Error("socket hang up"), "hub.test", "HF_ENDPOINT")).toEqual({
      transient: false,
      text: "the connection to hub.test failed (socket hang up).",
    });
  });
});

describe("the wait between attempts", () => {
  const policy = new RetryPolicy({ registry: "hf", logger: createLogger("silent"), maxRetries: 3, backoffMs: 100 });

  it("doubles from the first backoff with jitter in its upper half, up to 30 s", () => {
    for (let i = 0; i < 50; i++) {
      expect(policy.backoff(1)).toBeGreaterThanOrEqual(50);
      expect(policy.backoff(1)).toBeLessThanOrEqual(100);
      expect(policy.backoff(3)).toBeGreaterThanOrEqual(200);
      expect(policy.backoff(3)).toBeLessThanOrEqual(400);
      expect(policy.backoff(20)).toBeGreaterThanOrEqual(15_000);
      expect(policy.backoff(20)).toBeLessThanOrEqual(30_000);
    }
  });

  it("allows another attempt only within the retry count and the call's budget", () => {
    const now = Date.now();
    expect(policy.mayRetry(3, 100, now + 10_000)).toBe(true);
    expect(policy.mayRetry(4, 100, now + 10_000)).toBe(false);
    expect(policy.mayRetry(1, 20_000, now + 10_000)).toBe(false);
  });

  it("ends a pause when the call's signal does", async () => {
    const controller = new AbortController();
    const paused = policy.pause(60_000, controller.signal, "waiting");
    controller.abort();
    await expect(paused).rejects.toMatchObject({ name: "AbortError" });
  });
});
