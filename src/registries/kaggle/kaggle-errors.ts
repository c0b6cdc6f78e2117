import {
  AccessDenied,
  AuthenticationRequired,
  type GatewayError,
  InvalidInput,
  RegistryUnavailable,
} from "../../domain/errors.js";
import { ApiErrorSchema } from "./api-types.js";

/**
 * A Kaggle answer that is an error and not worth retrying (4xx, or a 200 whose JSON says
 * `{"code": 4xx, "message": …}`, which the SDK also treats as a failure). It never leaves the
 * registry: toGatewayError turns it into a domain error once the model it concerns is known.
 */
export class KaggleAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly kaggleMessage: string | null,
  ) {
    super(`HTTP ${status}${kaggleMessage ? `: ${kaggleMessage}` : ""}`);
  }

  /** From an answer's status and body: the JSON's code and message where it has them. */
  static fromAnswer(status: number, body: string): KaggleAnswerError {
    let json: unknown = null;
    try {
      json = JSON.parse(body);
    } catch {
      return new KaggleAnswerError(status, body.trim().slice(0, 200) || null);
    }
    const error = ApiErrorSchema.safeParse(json);
    return error.success && error.data.code >= 400
      ? new KaggleAnswerError(error.data.code, error.data.message ?? null)
      : new KaggleAnswerError(status, null);
  }
}

/** What a failed call was about, so its error can name it and say what to do. */
export interface FailureContext {
  registry: string;
  /** The model reference as the client wrote it; absent for searches. */
  ref?: string;
  /** The model's page on Kaggle, where a licence is accepted. */
  pageUrl?: string;
  hasCredentials: boolean;
  /** How to configure credentials for this instance ("set KAGGLE_API_TOKEN, …"). */
  credentialsHint: string;
  /** The error a 404 stands for (a missing model, instance or version). */
  notFound?: () => GatewayError;
}

/** Words by which Kaggle says that a model's licence or terms must be accepted first. */
const CONSENT = /consent|licen[cs]e|terms|agreement|accept/i;

/** Maps Kaggle's answer to the gateway's error codes; other errors (domain errors, aborts) pass. */
export function toGatewayError(error: unknown, context: FailureContext): unknown {
  if (!(error instanceof KaggleAnswerError)) return error;
  const { registry, ref } = context;
  const said = error.kaggleMessage ? ` (Kaggle said: ${error.kaggleMessage})` : "";
  const subject = ref ? `model ${ref}` : "the search";
  if (error.status === 401) {
    const how = context.hasCredentials
      ? `Kaggle refused the configured credentials${said}; ${context.credentialsHint} with valid ones.`
      : `${context.credentialsHint}${said}.`;
    if (ref) return new AuthenticationRequired(ref, how, { registry });
    return new AccessDenied("AUTHENTICATION_REQUIRED", `Registry ${registry} needs credentials: ${how}`, { registry });
  }
  if (error.status === 403) {
    const consent = error.kaggleMessage !== null && CONSENT.test(error.kaggleMessage);
    const advice = consent
      ? `its licence must be accepted first: open ${context.pageUrl ?? "its page on Kaggle"} signed in as the account of the configured credentials and accept it`
      : context.hasCredentials
        ? "the configured credentials have no access to it"
        : `it may be private; ${context.credentialsHint}`;
    return new AccessDenied("ACCESS_DENIED", `Registry ${registry} refused ${subject}: ${advice}${said}.`, {
      registry,
      ref,
    });
  }
  if (error.status === 404 && context.notFound) return context.notFound();
  if (error.status === 400) {
    return new InvalidInput(`Registry ${registry} refused ${subject} as invalid${said}.`, {
      registry,
      ...(ref && { ref, field: "ref" }),
    });
  }
  return new RegistryUnavailable(registry, `it answered ${error.message} for ${subject}.`);
}
