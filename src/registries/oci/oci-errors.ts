import {
  AccessDenied,
  AuthenticationRequired,
  FileNotFound,
  type GatewayError,
  ModelNotFound,
  RegistryUnavailable,
  RevisionNotFound,
} from "../../domain/errors.js";
import { ApiErrorsSchema } from "./api-types.js";

/**
 * An answer of the registry (or of its token service) that is neither a success nor worth
 * retrying, with the distribution spec's error codes from its body (NAME_UNKNOWN,
 * MANIFEST_UNKNOWN, BLOB_UNKNOWN, UNAUTHORIZED, DENIED…). It never leaves the registry strategy:
 * toGatewayError turns it into a domain error once the model it concerns is known.
 */
export class OciAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly codes: readonly string[],
    readonly detail: string | null,
    /** Who answered: the registry, or the token service its challenge named. */
    readonly from: "registry" | "token-service",
  ) {
    super(`HTTP ${status}${codes.length > 0 ? ` (${codes.join(", ")})` : ""}${detail ? `: ${detail}` : ""}`);
  }

  static fromBody(status: number, body: string, from: "registry" | "token-service" = "registry"): OciAnswerError {
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      // Not the spec's error body (a proxy's HTML page): keep its start as the detail.
    }
    const parsed = ApiErrorsSchema.safeParse(json);
    if (!parsed.success) return new OciAnswerError(status, [], body.trim().slice(0, 200) || null, from);
    const errors = parsed.data.errors;
    const detail = errors.map((error) => error.message).find((message) => message) ?? null;
    return new OciAnswerError(
      status,
      errors.map((error) => error.code.toUpperCase()),
      detail,
      from,
    );
  }

  has(code: string): boolean {
    return this.codes.includes(code);
  }
}

/** What a failed call was about, so its error can name it and say what to do. */
export interface FailureContext {
  registry: string;
  /** The model reference as the client wrote it; absent for searches. */
  ref?: string;
  revision?: string | null;
  path?: string;
  hasCredentials: boolean;
  /** How this instance's credentials are configured, for AUTHENTICATION_REQUIRED's advice. */
  credentialsHint: string;
}

/** Maps the registry's answer to the gateway's error codes; other errors (domain errors, aborts) pass. */
export function toGatewayError(error: unknown, context: FailureContext): unknown {
  if (!(error instanceof OciAnswerError)) return error;
  const { registry, ref } = context;
  const details = { registry };
  if (error.status === 401 || error.status === 403 || error.has("DENIED") || error.has("UNAUTHORIZED")) {
    return refused(error, context);
  }
  if (ref !== undefined && error.status === 404) {
    if (error.has("BLOB_UNKNOWN") && context.path) return new FileNotFound(ref, context.path, details);
    if (error.has("MANIFEST_UNKNOWN") && context.revision) {
      return new RevisionNotFound(ref, context.revision, details);
    }
    return new ModelNotFound(ref, details);
  }
  const what = ref ? ` for model ${ref}` : "";
  return new RegistryUnavailable(registry, `it answered ${error.message}${what}.`);
}

function refused(error: OciAnswerError, context: FailureContext): GatewayError {
  const { registry, ref } = context;
  const by = error.from === "token-service" ? `Registry ${registry}'s token service` : `Registry ${registry}`;
  const why = error.detail ? `: ${error.detail}` : ".";
  const unauthenticated = error.status === 401 || (error.has("UNAUTHORIZED") && error.status !== 403);
  if (unauthenticated && !context.hasCredentials) {
    if (ref !== undefined) return new AuthenticationRequired(ref, context.credentialsHint, { registry });
    const message = `${by} needs credentials (HTTP ${error.status})${why} ${context.credentialsHint}`;
    return new AccessDenied("AUTHENTICATION_REQUIRED", message, { registry });
  }
  const what = ref ? ` for model ${ref}` : "";
  const message = context.hasCredentials
    ? `${by} refused the configured credentials${what} (HTTP ${error.status})${why}`
    : `${by} refused the request${what} (HTTP ${error.status})${why}`;
  return new AccessDenied("ACCESS_DENIED", message, { registry, ref });
}
