/**
 * The gateway's domain errors. Each has a stable `code` that reaches clients in
 * `extensions.code` (or as a typed result), and `details` that are safe to show them.
 * Anything that is not a GatewayError is unexpected and stays masked.
 */
export type ErrorCode =
  | "BAD_USER_INPUT"
  | "MODEL_NOT_FOUND"
  | "REVISION_NOT_FOUND"
  | "FILE_NOT_FOUND"
  | "GATED_MODEL"
  | "AUTHENTICATION_REQUIRED"
  | "ACCESS_DENIED"
  | "RATE_LIMITED"
  | "REGISTRY_UNAVAILABLE"
  | "REGISTRY_TIMEOUT"
  | "INTEGRITY_ERROR"
  | "INSUFFICIENT_STORAGE"
  | "MODEL_NOT_CACHED"
  | "EXECUTION_PROVIDER_UNAVAILABLE"
  | "INFERENCE_FAILED"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "QUERY_LIMIT_EXCEEDED"
  | "UNSAFE_PATH"
  | "PULL_NOT_FOUND"
  | "MODEL_NOT_READY"
  | "ARTIFACTS_UNREACHABLE"
  | "UNSUPPORTED_MODEL_FORMAT"
  | "DATABASE_UNAVAILABLE"
  | "DEPENDENCY_UNAVAILABLE"
  | "OUTPUT_TOO_LARGE"
  | "CANCELLED";

/** Extra facts a client can act on; every field is optional and safe to expose. */
export interface ErrorDetails {
  registry?: string;
  ref?: string;
  retryAfterSeconds?: number;
  /** Where a person can request access to a gated model. */
  accessUrl?: string;
  /** The argument or input field at fault. */
  field?: string;
  /** The file of a model at fault (pulls). */
  path?: string;
}

export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A client sent something the gateway cannot accept; the message says what is accepted. */
export class InvalidInput extends GatewayError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("BAD_USER_INPUT", message, details);
  }
}

/** A registry answered (or failed to answer) a call about one of its models. */
export class RegistryError extends GatewayError {}

export class ModelNotFound extends RegistryError {
  constructor(ref: string, details: ErrorDetails = {}) {
    super("MODEL_NOT_FOUND", `Model ${ref} was not found.`, { ...details, ref });
  }
}

export class RevisionNotFound extends RegistryError {
  /** `accepted` names the revisions there are, where the registry can list them. */
  constructor(ref: string, revision: string, details: ErrorDetails = {}, accepted?: string) {
    super("REVISION_NOT_FOUND", `Model ${ref} has no revision "${revision}"${accepted ? `; ${accepted}` : ""}.`, {
      ...details,
      ref,
    });
  }
}

export class FileNotFound extends RegistryError {
  constructor(ref: string, path: string, details: ErrorDetails = {}) {
    super("FILE_NOT_FOUND", `Model ${ref} has no file "${path}".`, { ...details, ref });
  }
}

/** The model exists but needs a token (AUTHENTICATION_REQUIRED), or the token is refused. */
export class AccessDenied extends RegistryError {}

/** The model is gated and the gateway's token (if any) has not been granted access to it. */
export class GatedModel extends AccessDenied {
  constructor(ref: string, accessUrl: string, details: ErrorDetails = {}) {
    super(
      "GATED_MODEL",
      `Model ${ref} is gated: request access at ${accessUrl}, then configure a token that has been granted it.`,
      { ...details, ref, accessUrl },
    );
  }
}

/** The registry answers only to a token and none is configured; `how` says which setting to use. */
export class AuthenticationRequired extends AccessDenied {
  constructor(ref: string, how: string, details: ErrorDetails = {}) {
    super("AUTHENTICATION_REQUIRED", `Model ${ref} needs a token (it is private, gated or missing): ${how}`, {
      ...details,
      ref,
    });
  }
}

export class RateLimited extends RegistryError {
  constructor(registry: string, retryAfterSeconds: number, options?: ErrorOptions) {
    super(
      "RATE_LIMITED",
      `Registry ${registry} is rate limiting the gateway; retry in ${retryAfterSeconds} s.`,
      { registry, retryAfterSeconds },
      options,
    );
  }
}

export class RegistryUnavailable extends RegistryError {
  constructor(registry: string, reason: string, options?: ErrorOptions) {
    super("REGISTRY_UNAVAILABLE", `Registry ${registry} is unavailable: ${reason}`, { registry }, options);
  }
}

/** The registry did not answer within the gateway's timeout (or the request was aborted). */
export class RegistryTimeout extends RegistryError {
  constructor(registry: string, timeoutMs: number) {
    super("REGISTRY_TIMEOUT", `Registry ${registry} did not answer within ${timeoutMs} ms.`, {
      registry,
    });
  }
}

export class IntegrityError extends GatewayError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("INTEGRITY_ERROR", message, details);
  }
}

export class InferenceFailed extends GatewayError {
  constructor(message: string, details: ErrorDetails = {}, options?: ErrorOptions) {
    super("INFERENCE_FAILED", message, details, options);
  }
}

/** Errors that mean "the registry could not be reached", after which stale data may serve. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof RegistryUnavailable || error instanceof RegistryTimeout;
}

/** The model's files are not on this machine and the gateway may not (or cannot yet) pull them. */
export class ModelNotCached extends GatewayError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("MODEL_NOT_CACHED", message, details);
  }
}

/** The execution provider asked for is not enabled or cannot initialise on this machine. */
export class ExecutionProviderUnavailable extends GatewayError {
  constructor(message: string, details: ErrorDetails = {}) {
    super("EXECUTION_PROVIDER_UNAVAILABLE", message, details);
  }
}

/** A registry listed a file path that would leave the cache; nothing of it touches the disk. */
export class UnsafePath extends RegistryError {
  constructor(registry: string, path: string, why: string) {
    super(
      "UNSAFE_PATH",
      `Registry ${registry} listed the file path ${JSON.stringify(path)}, which the gateway refuses: ${why}. Accepted: relative paths with forward slashes, without "." or ".." segments, backslashes or NUL.`,
      { registry, path },
    );
  }
}

export class InsufficientStorage extends GatewayError {
  constructor(neededBytes: number, freeBytes: number, details: ErrorDetails = {}) {
    super(
      "INSUFFICIENT_STORAGE",
      `The pull needs ${neededBytes} bytes but the cache's disk has ${freeBytes} free; free some space (removeModel) or set CACHE_DIR to a larger disk.`,
      details,
    );
  }
}

export class PullNotFound extends GatewayError {
  constructor(id: string) {
    super("PULL_NOT_FOUND", `There is no pull with id "${id}"; the pulls query lists them.`, { field: "id" });
  }
}

/** The registry has the model version but not ready to download (MLflow: PENDING or FAILED registration). */
export class ModelNotReady extends RegistryError {
  constructor(ref: string, why: string, details: ErrorDetails = {}) {
    super("MODEL_NOT_READY", `Model ${ref} cannot be pulled yet: ${why}`, { ...details, ref });
  }
}

/** The model's files live in a store the gateway cannot read through its registry. */
export class ArtifactsUnreachable extends RegistryError {
  constructor(ref: string, why: string, details: ErrorDetails = {}) {
    super("ARTIFACTS_UNREACHABLE", `The files of ${ref} cannot be read through the registry: ${why}`, {
      ...details,
      ref,
    });
  }
}

/** The gateway can list and pull the model, but not run it (a GGUF or TensorFlow model). */
export class UnsupportedModelFormat extends GatewayError {
  constructor(ref: string, format: string, details: ErrorDetails = {}) {
    super(
      "UNSUPPORTED_MODEL_FORMAT",
      `Model ${ref} is a ${format} model; runInference runs ONNX models only (it can still be searched, inspected and pulled).`,
      { ...details, ref },
    );
  }
}

/** The gateway's own database failed (read-only, damaged, full, deleted); the message names the cause. */
export class DatabaseUnavailable extends GatewayError {
  constructor(cause: string, options?: ErrorOptions) {
    super("DATABASE_UNAVAILABLE", `The gateway's database cannot be used: ${cause}`, {}, options);
  }
}

/** The client went away (or cancelled) before the work ended; nobody is told, but history and logs say so. */
export class RequestCancelled extends GatewayError {
  constructor(what: string) {
    super("CANCELLED", `The client cancelled the request while ${what}.`);
  }
}

/**
 * A service the replicas share (Redis, the S3 model store) cannot be reached: reads still answer,
 * but what needs it (pulls, rate-limited mutations, removing models) is refused until it is back.
 */
export class DependencyUnavailable extends GatewayError {
  constructor(dependency: "Redis" | "the model store", reason: string, options?: ErrorOptions) {
    super(
      "DEPENDENCY_UNAVAILABLE",
      `${dependency === "Redis" ? "Redis" : "The model store"}, which the gateway's replicas share, cannot be reached (${reason}); retry once /health reports it ok.`,
      {},
      options,
    );
  }
}
