import { InvalidInput } from "../../domain/errors.js";
import { rawBytes } from "../../inference/tensor-codec.js";
import { joinBody } from "../../oip/binary-body.js";
import { oipDatatype } from "../../oip/datatypes.js";
import { jsonData } from "../../oip/json-data.js";
import type { InferenceResult } from "../../services/inference.js";
import type { DecodedInferRequest } from "./infer-request.js";
import type { ModelName } from "./oip-route.js";

/**
 * The inference response: `model_name` and `model_version` as the path named them, the request's
 * `id`, each output as JSON `data` or, where asked, as raw bytes after the JSON (then with
 * `Inference-Header-Content-Length` and application/octet-stream). `parameters` say how the
 * gateway ran it: its run id (inferenceRuns), the execution provider, the remote backend and the
 * model file, which a gateway offloading to this one reads back.
 */
export function inferResponse(model: ModelName, request: DecodedInferRequest, result: InferenceResult): Response {
  const chunks: Uint8Array[] = [];
  const outputs = result.outputs.map((output) => {
    const base = { name: output.name, datatype: oipDatatype(output.elementType), shape: output.shape };
    const raw = output.raw;
    if (!raw) throw new Error(`output ${output.name} came without its values`);
    if (request.binaryOutput(output.name)) {
      chunks.push(rawBytes(raw));
      return { ...base, parameters: { binary_data_size: raw.byteLength } };
    }
    const data = jsonData(output.elementType, raw);
    if (!data) {
      throw new InvalidInput(
        `Output ${output.name} holds values JSON cannot carry exactly (NaN, ±Infinity, or 64-bit integers beyond ±2^53); ask for it with the parameter "binary_data": true.`,
        { field: "outputs" },
      );
    }
    return { ...base, data };
  });
  const json = {
    model_name: model.name,
    ...(model.version === null ? {} : { model_version: model.version }),
    ...(request.id === undefined ? {} : { id: request.id }),
    parameters: {
      run_id: result.runId,
      execution_provider: result.provider.toUpperCase(),
      ...(result.backend ? { backend: result.backend } : {}),
      ...(result.file ? { model_file: result.file } : {}),
      ...(result.fileSha256 ? { model_file_sha256: result.fileSha256 } : {}),
    },
    outputs,
  };
  if (chunks.length === 0) return Response.json(json);
  const { body, headerLength } = joinBody(json, chunks);
  return new Response(body as Uint8Array<ArrayBuffer>, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(body.byteLength),
      "inference-header-content-length": String(headerLength),
    },
  });
}
