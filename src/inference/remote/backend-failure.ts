import { withoutPaths } from "../execution-providers.js";

/**
 * How a call to a remote backend went wrong, which decides what the gateway does next: a
 * backend that is unreachable, timed out, refused the gateway's token or answers 5xx is skipped
 * until a health check finds it well; one that does not serve a model is skipped for that model;
 * one that refuses the inputs (400) ends the call, since another backend would refuse them too.
 */
export type FailureKind =
  | "unreachable"
  | "timeout"
  | "refused"
  | "not-found"
  | "not-ready"
  | "bad-input"
  | "too-large"
  | "unsupported"
  | "rate-limited"
  | "unavailable"
  | "bad-answer";

export class BackendFailure extends Error {
  override name = "BackendFailure";

  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  /** Whether the backend as a whole is unwell (not just for one model or one request). */
  get backendDown(): boolean {
    return ["unreachable", "timeout", "refused", "unavailable", "bad-answer"].includes(this.kind);
  }
}

/** The failure an HTTP status from a backend stands for, with the backend's own words. */
export function failureOfStatus(
  status: number,
  error: string | null,
  retryAfterSeconds: number | null,
): BackendFailure {
  const said = error ? `: ${clip(error)}` : "";
  if (status === 400) return new BackendFailure("bad-input", `it refused the request (400)${said}`);
  if (status === 401 || status === 403) {
    return new BackendFailure("refused", `it refused the gateway's token (${status})${said}`);
  }
  if (status === 404) return new BackendFailure("not-found", `it does not serve this model (404)${said}`);
  if (status === 413) return new BackendFailure("too-large", `the request is too large for it (413)${said}`);
  if (status === 429) {
    return new BackendFailure("rate-limited", `it is rate limiting the gateway (429)${said}`, retryAfterSeconds);
  }
  if (status >= 500) return new BackendFailure("unavailable", `it answered ${status}${said}`);
  return new BackendFailure("bad-answer", `it answered an unexpected ${status}${said}`);
}

/** A backend's message, shortened and without server paths, to quote in the gateway's own. */
export function clip(text: string): string {
  const line = withoutPaths(text.split("\n")[0] ?? "").trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
