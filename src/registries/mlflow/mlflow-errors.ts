import {
  AccessDenied,
  ArtifactsUnreachable,
  AuthenticationRequired,
  FileNotFound,
  InvalidInput,
  ModelNotFound,
  RegistryUnavailable,
  RevisionNotFound,
} from "../../domain/errors.js";
import { ApiErrorSchema } from "./api-types.js";

/**
 * An MLflow answer that is neither a success nor worth retrying, with MLflow's own error code
 * ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", "PERMISSION_DENIED"...) when the body is
 * MLflow's error JSON. Its authentication layer answers 401 and 403 in plain text, so the code may
 * be null. It never leaves the registry: toGatewayError turns it into a domain error once the
 * call's subject is known.
 */
export class MlflowAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | null,
    readonly mlflowMessage: string | null,
  ) {
    super(`HTTP ${status}${errorCode ? ` ${errorCode}` : ""}${mlflowMessage ? `: ${mlflowMessage}` : ""}`);
  }

  static fromReply(status: number, body: string): MlflowAnswerError {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return new MlflowAnswerError(status, null, body.trim().slice(0, 200) || null);
    }
    const parsed = ApiErrorSchema.safeParse(json);
    if (!parsed.success) return new MlflowAnswerError(status, null, null);
    return new MlflowAnswerError(status, parsed.data.error_code, parsed.data.message?.slice(0, 500) ?? null);
  }
}

/** What a failed call asked for, so its error can keep its meaning and say what to do. */
export interface FailureContext {
  registry: string;
  /** search: a registered-models search; model: the registered model; revision: one of its versions or aliases;
   * run: the run that holds its artifacts; artifact: a file of the version. */
  subject: "search" | "model" | "revision" | "run" | "artifact";
  /** The model reference as the client wrote it; absent for searches. */
  ref?: string;
  revision?: string | null;
  /** The revisions there are, where known ("its versions are 1, 2; its aliases champion"). */
  accepted?: string;
  path?: string;
  /** Which settings hold the credentials ("MLFLOW_TRACKING_TOKEN (or ...)"). */
  credentialHint: string;
  hasCredentials: boolean;
}

/** Maps MLflow's answer to the gateway's error codes; other errors (already domain errors, aborts) pass. */
export function toGatewayError(error: unknown, context: FailureContext): unknown {
  if (!(error instanceof MlflowAnswerError)) return error;
  const { registry, ref, subject } = context;
  const details = { registry };
  const code = error.errorCode;
  const about = ref ? ` for model ${ref}` : "";
  if (error.status === 401 || code === "UNAUTHENTICATED") {
    const how = context.hasCredentials
      ? `the configured credentials were refused; check ${context.credentialHint}.`
      : `set ${context.credentialHint}.`;
    if (ref) return new AuthenticationRequired(ref, how, details);
    return new AccessDenied("AUTHENTICATION_REQUIRED", `Registry ${registry} needs credentials: ${how}`, details);
  }
  if (error.status === 403 || code === "PERMISSION_DENIED") {
    const why = error.mlflowMessage ? `: ${error.mlflowMessage}` : ".";
    return new AccessDenied("ACCESS_DENIED", `Registry ${registry} refused access${about}${why}`, { ...details, ref });
  }
  if (code === "RESOURCE_DOES_NOT_EXIST" && ref) {
    if (subject === "model") return new ModelNotFound(ref, details);
    if (subject === "revision") return new RevisionNotFound(ref, context.revision ?? "", details, context.accepted);
    if (subject === "artifact") return new FileNotFound(ref, context.path ?? "", details);
    if (subject === "run") {
      return new ArtifactsUnreachable(
        ref,
        `the run that holds its artifacts does not exist (${error.mlflowMessage}).`,
        details,
      );
    }
  }
  if (code === "INVALID_PARAMETER_VALUE" || code === "BAD_REQUEST") {
    const what = subject === "search" ? "the search" : `the reference ${ref}`;
    return new InvalidInput(`Registry ${registry} refused ${what}: ${error.mlflowMessage ?? "invalid parameter"}`, {
      ...details,
      ref,
      field: subject !== "search" ? "ref" : /page.token/i.test(error.mlflowMessage ?? "") ? "after" : "query",
    });
  }
  if (error.status === 404 && code === null) {
    return new RegistryUnavailable(
      registry,
      `it answered HTTP 404 to an MLflow REST API call${about}: is its endpoint an MLflow tracking server?`,
    );
  }
  return new RegistryUnavailable(registry, `it answered ${error.message}${about}.`);
}
