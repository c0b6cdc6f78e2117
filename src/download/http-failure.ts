import type { IncomingHttpHeaders } from "node:http";
import { AccessDenied, FileNotFound, type GatewayError, RateLimited, RegistryUnavailable } from "../domain/errors.js";

/** What is being downloaded, for error messages. */
export interface DownloadSubject {
  registry: string;
  ref: string;
  path: string;
}

/** A failed attempt: the error to report, and whether (and after how long) to try again. */
export class AttemptFailure extends Error {
  constructor(
    readonly error: GatewayError,
    /** null: give up at once. */
    readonly retryAfterMs: number | null,
  ) {
    super(error.message);
  }
}

/** Waits longer than this for a rate limit's reset are not worth holding a transfer slot. */
const MAX_RATE_LIMIT_WAIT_MS = 30_000;

/** Turns an error status of a download URL into the gateway's error, retryable or not. */
export function statusFailure(status: number, headers: IncomingHttpHeaders, subject: DownloadSubject): AttemptFailure {
  const { registry, ref, path } = subject;
  const refused = (code: "AUTHENTICATION_REQUIRED" | "ACCESS_DENIED", why: string) =>
    new AccessDenied(code, `Registry ${registry} refused to serve ${path} of ${ref} (HTTP ${status}): ${why}.`, {
      registry,
      ref,
      path,
    });
  if (status === 401) return new AttemptFailure(refused("AUTHENTICATION_REQUIRED", "it needs a token"), null);
  if (status === 403) return new AttemptFailure(refused("ACCESS_DENIED", "the token has no access"), null);
  if (status === 404 || status === 410)
    return new AttemptFailure(new FileNotFound(ref, path, { registry, path }), null);
  if (status === 429) {
    const seconds = retryAfterSeconds(headers["retry-after"]);
    return new AttemptFailure(
      new RateLimited(registry, seconds),
      seconds * 1000 <= MAX_RATE_LIMIT_WAIT_MS ? seconds * 1000 : null,
    );
  }
  const error = new RegistryUnavailable(registry, `the download of ${path} answered HTTP ${status}`);
  return new AttemptFailure(error, status >= 500 || status === 408 ? 0 : null);
}

/** Failures no retry mends soon: the host has no address, or nothing listens on it. */
const UNREACHABLE = new Set(["ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED"]);

/**
 * A connection that failed or dropped: worth resuming, unless the host cannot be resolved or
 * refuses connections (an offline gateway should fail at once, not after six tries).
 */
export function connectionFailure(cause: unknown, subject: DownloadSubject): AttemptFailure {
  const code = String((cause as { code?: unknown } | null)?.code ?? "");
  const reason = UNREACHABLE.has(code)
    ? code === "ECONNREFUSED"
      ? "the server refused the connection"
      : "the host name does not resolve"
    : cause instanceof Error
      ? cause.message
      : String(cause);
  const error = new RegistryUnavailable(subject.registry, `the download of ${subject.path} failed: ${reason}`, {
    cause,
  });
  return new AttemptFailure(error, UNREACHABLE.has(code) ? null : 0);
}

/** Retry-After in seconds or as an HTTP date; 1 s when absent or unreadable. */
function retryAfterSeconds(value: string | undefined): number {
  if (!value) return 1;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
