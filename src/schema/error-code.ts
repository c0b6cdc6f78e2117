/**
 * `ErrorCode`: the stable codes of expected failures, each described, shared by typed results
 * and `extensions.code`.
 */
import type { ErrorCode } from "../domain/errors.js";
import { describedEnum } from "./described-enum.js";

const CODES: Record<ErrorCode, string> = {
  BAD_USER_INPUT: "An argument or input is malformed; the message names it and what is accepted.",
  MODEL_NOT_FOUND: "The registry has no model with that id.",
  REVISION_NOT_FOUND: "The model has no such revision (branch, tag, commit or opset).",
  FILE_NOT_FOUND: "The model has no file at that path.",
  GATED_MODEL: "The model is gated: request access on its page (accessUrl), then use a token that has it.",
  AUTHENTICATION_REQUIRED: "The registry needs a token for this model and none is configured.",
  ACCESS_DENIED: "The registry refused the configured token for this model.",
  RATE_LIMITED: "The registry is rate limiting the gateway; retry after retryAfterSeconds.",
  REGISTRY_UNAVAILABLE: "The registry could not be reached or answered with a server error.",
  REGISTRY_TIMEOUT: "The registry did not answer within REGISTRY_TIMEOUT_MS.",
  INTEGRITY_ERROR: "A downloaded file did not match its expected size or sha256; nothing was kept.",
  INSUFFICIENT_STORAGE: "There is not enough free disk space for the download.",
  MODEL_NOT_CACHED: "The model is not in the local cache and pulling was not allowed.",
  EXECUTION_PROVIDER_UNAVAILABLE: "The requested execution provider is not available on this machine.",
  INFERENCE_FAILED: "ONNX Runtime could not run the model.",
  UNAUTHENTICATED: "The gateway needs an API key (Authorization: Bearer <key>) and none, or an unknown one, was sent.",
  FORBIDDEN: "The API key lacks the scope the operation needs, or the client is not allowed.",
  PAYLOAD_TOO_LARGE: "The request body is larger than MAX_BODY_BYTES.",
  UNSUPPORTED_MEDIA_TYPE: "The request's Content-Type is not one GraphQL requests are accepted in (application/json).",
  QUERY_LIMIT_EXCEEDED: "The query exceeds a depth, cost, alias, directive or token limit; extensions.limit names it.",
  UNSAFE_PATH: "A registry listed a file path that would leave the cache (.., absolute, backslash or NUL).",
  PULL_NOT_FOUND: "There is no pull with that id.",
  MODEL_NOT_READY:
    "The registry has the model version, but it is not ready to download (still registering, or failed).",
  ARTIFACTS_UNREACHABLE: "The model's files live in a store the gateway cannot read through its registry.",
  DATABASE_UNAVAILABLE:
    "The gateway's own database cannot be read or written (read-only, damaged, full or deleted); the message names the cause.",
  DEPENDENCY_UNAVAILABLE:
    "A service the gateway's replicas share (Redis, the S3 model store) cannot be reached; reads still answer, pulls and other mutations that need it are refused until /health reports it ok.",
  OUTPUT_TOO_LARGE:
    "The model's outputs are larger than INFERENCE_MAX_OUTPUT_BYTES; ask for fewer outputs or a smaller input.",
  CANCELLED: "The client cancelled the request (or went away) before the work ended.",
  UNSUPPORTED_MODEL_FORMAT:
    "The model's format cannot be run by the gateway (only ONNX models run); it can still be pulled.",
};

export const ErrorCodeEnum = describedEnum(
  "ErrorCode",
  "Stable codes for expected failures; the same values appear in errors' extensions.code.",
  CODES,
);
