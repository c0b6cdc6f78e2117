import { gunzip, inflate } from "node:zlib";
import type { GatewayContext } from "../../context.js";
import { GatewayError, InvalidInput } from "../../domain/errors.js";
import { OFFLOAD_HEADER } from "../../inference/remote/oip-client.js";
import { headerLengthOf } from "../../oip/binary-body.js";
import { BodyTooLarge, readBody } from "../../oip/read-body.js";
import { HEADER_LENGTH_HEADER } from "../../oip/wire-schemas.js";
import { scopesOf } from "../../security/authorization.js";
import type { InferenceTarget } from "../../services/inference.js";
import { decodeInferRequest } from "./infer-request.js";
import { inferResponse } from "./infer-response.js";
import type { ModelName } from "./oip-route.js";

const TARGETS = ["AUTO", "CUDA", "WEBGPU", "CPU", "REMOTE"];

/**
 * `POST /v2/models/<name>[/versions/<version>]/infer`, once the caller holds the infer scope:
 * counted against MUTATION_RATE_LIMIT like runInference, the body read within MAX_BODY_BYTES
 * (gzip and deflate bodies, as tritonclient can send, inflated within it too), decoded, and run
 * by the same inference service, so validation, history and metrics are runInference's. The
 * gateway-specific parameters `execution_provider`, `pull` and `model_file` mirror runInference's.
 */
export async function infer(
  request: Request,
  model: ModelName,
  context: Pick<GatewayContext, "services" | "caller" | "clientAddress" | "requestId">,
): Promise<Response> {
  const { services } = context;
  checkMediaType(request);
  await services.mutationLimiter.consume(context, "OIP inference");
  const headerLength = headerLengthOf(request.headers.get(HEADER_LENGTH_HEADER));
  if (typeof headerLength === "string") throw new InvalidInput(`${headerLength}.`);
  if (headerLength === 0) {
    throw new InvalidInput(
      "Raw binary requests (Inference-Header-Content-Length: 0) are not supported; send the JSON inference header before the tensors.",
    );
  }
  const body = await bodyOf(request, services.config.limits.bodyBytes, headerLength ?? 0);
  const decoded = decodeInferRequest(body, headerLength, services.config.inference.maxInputBytes);
  const { parameters } = decoded;
  const target = parameters.execution_provider ?? "AUTO";
  if (typeof target !== "string" || !TARGETS.includes(target.toUpperCase())) {
    throw new InvalidInput(`The parameter execution_provider must be one of ${TARGETS.join(", ")}.`, {
      field: "parameters.execution_provider",
    });
  }
  const pull = parameters.pull ?? true;
  const file = parameters.model_file ?? null;
  if (typeof pull !== "boolean" || (file !== null && typeof file !== "string")) {
    throw new InvalidInput("The parameter pull must be a boolean and model_file a string.", { field: "parameters" });
  }
  const result = await services.inference.run(
    {
      model: model.ref,
      file,
      inputs: decoded.inputs,
      outputs: decoded.outputs,
      executionProvider: target.toLowerCase() as InferenceTarget,
      outputEncoding: "RAW",
      pull,
      mayPull: scopesOf(context.caller).pull,
      requestId: context.requestId,
      protocol: "OIP",
      localOnly: request.headers.has(OFFLOAD_HEADER),
    },
    request.signal,
  );
  return inferResponse(model, decoded, result);
}

/**
 * JSON, the binary extension's application/octet-stream, or no type at all (tritonclient sends
 * none). Forms and text/plain, which a web page could post without a preflight, are refused.
 */
function checkMediaType(request: Request): void {
  const type = request.headers.get("content-type");
  if (type === null || /^application\/(json|octet-stream)\s*(;|$)/i.test(type)) return;
  throw new GatewayError(
    "UNSUPPORTED_MEDIA_TYPE",
    `Content-Type ${type} is not accepted; send inference requests as application/json, or application/octet-stream with binary tensors.`,
  );
}

async function bodyOf(request: Request, maxBytes: number, headerLength: number): Promise<Uint8Array> {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (!["identity", "gzip", "deflate"].includes(encoding)) {
    throw new GatewayError(
      "UNSUPPORTED_MEDIA_TYPE",
      `Content-Encoding ${encoding} is not accepted; use gzip or deflate.`,
    );
  }
  const tooLarge = () =>
    new GatewayError(
      "PAYLOAD_TOO_LARGE",
      `The request body is larger than the ${maxBytes}-byte limit (MAX_BODY_BYTES).`,
    );
  try {
    const raw = await readBody(request.body, request.headers.get("content-length"), maxBytes, headerLength);
    if (encoding === "identity") return raw;
    const inflated = await new Promise<Buffer>((resolve, reject) =>
      (encoding === "gzip" ? gunzip : inflate)(raw, { maxOutputLength: maxBytes }, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
    // A copy in memory of its own: zlib's buffer may sit in Node's shared pool, which cannot go to a worker.
    return new Uint8Array(inflated);
  } catch (error) {
    if (error instanceof BodyTooLarge || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge();
    if ((error as { errno?: number }).errno !== undefined) {
      throw new InvalidInput(`The body is not valid ${encoding} data.`);
    }
    throw error;
  }
}
