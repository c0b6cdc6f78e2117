import {
  AccessDenied,
  AuthenticationRequired,
  FileNotFound,
  GatedModel,
  type GatewayError,
  ModelNotFound,
  RegistryUnavailable,
  RevisionNotFound,
} from "../../domain/errors.js";

/**
 * A Hub answer that is neither a success nor worth retrying (4xx), with what the Hub says of it in
 * its X-Error-Code and X-Error-Message headers or its JSON body. It never leaves the registry:
 * toGatewayError turns it into a domain error once the model it concerns is known.
 */
export class HubAnswerError extends Error {
  constructor(
    readonly status: number,
    /** RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo... */
    readonly errorCode: string | null,
    readonly hubMessage: string | null,
  ) {
    super(`HTTP ${status}${errorCode ? ` (${errorCode})` : ""}${hubMessage ? `: ${hubMessage}` : ""}`);
  }

  static fromReply(status: number, headers: Headers, body: string): HubAnswerError {
    return new HubAnswerError(status, headers.get("x-error-code"), headers.get("x-error-message") ?? bodyMessage(body));
  }
}

function bodyMessage(body: string): string | null {
  try {
    const json = JSON.parse(body) as { error?: unknown };
    return typeof json.error === "string" ? json.error : null;
  } catch {
    return body.trim().slice(0, 200) || null;
  }
}

/** What a failed call was about, so its error can name it and say what to do. */
export interface FailureContext {
  registry: string;
  /** The model reference as the client wrote it; absent for searches. */
  ref?: string;
  revision?: string | null;
  path?: string;
  /** The model's page, where access to a gated model is requested. */
  pageUrl?: string;
  hasToken: boolean;
}

/** Maps the Hub's answer to the gateway's error codes; other errors (already domain errors, aborts) pass. */
export function toGatewayError(error: unknown, context: FailureContext): unknown {
  if (!(error instanceof HubAnswerError)) return error;
  const { registry, ref, hasToken } = context;
  const details = { registry };
  const { status, errorCode } = error;
  if (ref === undefined) return refusedOrUnavailable(error, context);
  if (errorCode === "GatedRepo") return new GatedModel(ref, context.pageUrl ?? ref, details);
  if (status === 401 && !hasToken) {
    return new AuthenticationRequired(ref, "set HF_TOKEN to a Hugging Face token that can read it.", details);
  }
  if (errorCode === "RevisionNotFound") return new RevisionNotFound(ref, context.revision ?? "main", details);
  if (errorCode === "EntryNotFound") return new FileNotFound(ref, context.path ?? "", details);
  if (errorCode === "RepoNotFound" || status === 404) return new ModelNotFound(ref, details);
  return refusedOrUnavailable(error, context);
}

function refusedOrUnavailable(error: HubAnswerError, context: FailureContext): GatewayError {
  const what = context.ref ? ` for model ${context.ref}` : "";
  if (error.status === 401 || error.status === 403) {
    const why = error.hubMessage ? `: ${error.hubMessage}` : ".";
    const message = context.hasToken
      ? `Registry ${context.registry} refused the configured token (HF_TOKEN)${what}${why}`
      : `Registry ${context.registry} refused the request${what}${why}`;
    return new AccessDenied("ACCESS_DENIED", message, { registry: context.registry, ref: context.ref });
  }
  return new RegistryUnavailable(context.registry, `it answered ${error.message}${what}.`);
}
