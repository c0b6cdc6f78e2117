import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../logger.js";

/** Connection failures worth another attempt: resets, timeouts and sockets closed under a request. */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export interface RetrySettings {
  /** The registry instance, for the log line of each wait. */
  registry: string;
  logger: Logger;
  /** Attempts after the first. */
  maxRetries: number;
  /** The first backoff; it doubles with each attempt, up to 30 s. */
  backoffMs: number;
}

/**
 * How every registry client waits before trying again: exponential backoff with equal jitter, so
 * that many gateways do not retry in step, only while the call's retry budget allows the wait, and
 * waits that end when the call's signal does.
 */
export class RetryPolicy {
  constructor(private readonly settings: RetrySettings) {}

  /** The wait before attempt `attempt + 1`. */
  backoff(attempt: number): number {
    const delay = Math.min(30_000, this.settings.backoffMs * 2 ** (attempt - 1));
    return delay / 2 + Math.random() * (delay / 2);
  }

  /** Whether another attempt is allowed, and its wait ends before the call's budget does. */
  mayRetry(attempt: number, delayMs: number, retryUntil: number): boolean {
    return attempt <= this.settings.maxRetries && Date.now() + delayMs <= retryUntil;
  }

  async pause(ms: number, signal: AbortSignal, why: string): Promise<void> {
    this.settings.logger.debug({ registry: this.settings.registry, waitMs: Math.round(ms) }, why);
    await sleep(ms, undefined, { signal });
  }
}

/**
 * What a failed connection means: whether it is worth another attempt, and a sentence naming the
 * host (and the `setting` to check when its name does not resolve).
 */
export function networkFailure(error: unknown, host: string, setting: string): { transient: boolean; text: string } {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = String((cause as { code?: unknown } | null)?.code ?? "");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return { transient: false, text: `the host name ${host} does not resolve (offline, or a wrong ${setting}?).` };
  }
  if (code === "ECONNREFUSED") return { transient: false, text: `${host} refused the connection.` };
  const message = cause instanceof Error ? cause.message : String(cause);
  return { transient: TRANSIENT_CODES.has(code), text: `the connection to ${host} failed (${code || message}).` };
}
