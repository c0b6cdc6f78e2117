import { type ErrorCode, GatewayError } from "../../domain/errors.js";

/**
 * The HTTP status of each refusal on the Open Inference Protocol's endpoints. OIP answers errors
 * as `{ "error": "..." }` with the status carrying the kind (400 by default); the gateway's stable
 * code rides along in `code`. A model that cannot be named (not a reference, an unknown
 * registry) is 404 like an unknown model; a failed ONNX Runtime run is 400, as Triton answers it.
 */
const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_USER_INPUT: 400,
  UNSUPPORTED_MODEL_FORMAT: 400,
  OUTPUT_TOO_LARGE: 400,
  INFERENCE_FAILED: 400,
  CANCELLED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  ACCESS_DENIED: 403,
  GATED_MODEL: 403,
  AUTHENTICATION_REQUIRED: 403,
  MODEL_NOT_FOUND: 404,
  REVISION_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTEGRITY_ERROR: 502,
  UNSAFE_PATH: 502,
  REGISTRY_UNAVAILABLE: 503,
  REGISTRY_TIMEOUT: 503,
  EXECUTION_PROVIDER_UNAVAILABLE: 503,
  MODEL_NOT_CACHED: 503,
  MODEL_NOT_READY: 503,
  ARTIFACTS_UNREACHABLE: 503,
  INSUFFICIENT_STORAGE: 503,
  DATABASE_UNAVAILABLE: 503,
};

/** The code of each error answer, for the request's log line and error metrics. */
const codes = new WeakMap<Response, string>();

export function codeOf(response: Response): string | undefined {
  return codes.get(response);
}

/** An OIP error answer: `{ "error": message, "code": code }`, with Retry-After and WWW-Authenticate where they apply. */
export function oipError(
  status: number,
  code: ErrorCode | "INTERNAL_SERVER_ERROR" | "NOT_FOUND" | "METHOD_NOT_ALLOWED",
  message: string,
  retryAfterSeconds?: number,
): Response {
  const response = Response.json({ error: message, code }, { status });
  if (retryAfterSeconds !== undefined) response.headers.set("retry-after", String(retryAfterSeconds));
  if (status === 401) response.headers.set("www-authenticate", 'Bearer realm="model-gateway"');
  codes.set(response, code);
  return response;
}

/** The answer for a domain error; null for anything else (unexpected: the caller logs and masks it). */
export function responseOfError(error: unknown): Response | null {
  if (!(error instanceof GatewayError)) return null;
  const namesNoModel =
    error.code === "BAD_USER_INPUT" && (error.details.field === "ref" || error.details.field === "registry");
  const status = namesNoModel ? 404 : (STATUS[error.code] ?? 400);
  return oipError(status, error.code, error.message, error.details.retryAfterSeconds);
}
