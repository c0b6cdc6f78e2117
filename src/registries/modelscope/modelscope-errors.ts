import {
  AccessDenied,
  AuthenticationRequired,
  FileNotFound,
  ModelNotFound,
  RegistryUnavailable,
  RevisionNotFound,
} from "../../domain/errors.js";

/**
 * A ModelScope answer that is neither a success nor worth retrying, with what ModelScope said of
 * it (its envelope's Code, Message and RequestId). It never leaves the registry: toGatewayError
 * turns it into a domain error once the call it answered is known.
 */
export class ModelScopeAnswerError extends Error {
  constructor(
    /** The HTTP status, or the one the envelope's Code stands for. */
    readonly status: number,
    readonly code: string | null,
    readonly modelScopeMessage: string | null,
    readonly requestId: string | null,
  ) {
    super(
      `HTTP ${status}${code && code !== String(status) ? ` (Code ${code})` : ""}${modelScopeMessage ? `: ${modelScopeMessage}` : ""}`,
    );
  }
}

/** What a failed call asked about: a model, one of its revisions, one of its files, or a search. */
export type Subject = "model" | "revision" | "file" | "search";

export interface FailureContext {
  registry: string;
  subject: Subject;
  /** The model reference as the client wrote it; absent for searches. */
  ref?: string;
  revision?: string | null;
  path?: string;
  /** The revisions the model has, for a RevisionNotFound message. */
  accepted?: readonly string[];
  hasToken: boolean;
}

/** ModelScope's messages for a missing model or file ("模型不存在": the model does not exist). */
const NOT_EXIST = /not exist|not found|不存在/i;
const TOKEN_HINT = "MODELSCOPE_API_TOKEN (or the token variable of this registry's REGISTRIES_FILE entry)";

/** Maps ModelScope's answer to the gateway's error codes; other errors (domain errors, aborts) pass. */
export function toGatewayError(error: unknown, context: FailureContext): unknown {
  if (!(error instanceof ModelScopeAnswerError)) return error;
  const { registry, ref, hasToken } = context;
  const details = { registry, ...(ref && { ref }) };
  const said = error.modelScopeMessage ? ` (ModelScope: ${error.modelScopeMessage})` : "";
  if (error.status === 401) {
    const how = hasToken
      ? `ModelScope refused the token in ${TOKEN_HINT}; it may have expired${said}.`
      : `set ${TOKEN_HINT} to a ModelScope access token that can read it${said}.`;
    if (ref) return new AuthenticationRequired(ref, how, details);
    return new AccessDenied("AUTHENTICATION_REQUIRED", `Registry ${registry} needs a token: ${how}`, details);
  }
  if (error.status === 403) {
    const whom = hasToken ? `the token in ${TOKEN_HINT}` : "an anonymous caller (no token is configured)";
    return new AccessDenied(
      "ACCESS_DENIED",
      `Registry ${registry} refused ${whom} access${ref ? ` to model ${ref}` : ""}${said}.`,
      details,
    );
  }
  const missing = error.status === 404 || error.status === 410 || NOT_EXIST.test(error.modelScopeMessage ?? "");
  if (missing && ref) {
    if (context.subject === "model") return new ModelNotFound(ref, details);
    if (context.subject === "file") return new FileNotFound(ref, context.path ?? "", details);
    if (context.subject === "revision") {
      const accepted = context.accepted?.length ? `it has ${context.accepted.join(", ")}` : undefined;
      return new RevisionNotFound(withoutRevision(ref), context.revision ?? "master", details, accepted);
    }
  }
  const what = ref ? ` for model ${ref}` : "";
  const request = error.requestId ? ` (request id ${error.requestId})` : "";
  return new RegistryUnavailable(registry, `it answered ${error.message}${what}${request}.`);
}

/** A reference without its `@revision`, for messages that name the revision apart. */
export function withoutRevision(ref: string): string {
  const at = ref.lastIndexOf("@");
  return at < 0 ? ref : ref.slice(0, at);
}
