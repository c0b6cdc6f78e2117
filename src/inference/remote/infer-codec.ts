import { BinaryReader, headerLengthOf, joinBody, splitBody } from "../../oip/binary-body.js";
import { elementTypeOfOip, oipDatatype } from "../../oip/datatypes.js";
import { flattenData, jsonData, tensorByteLength } from "../../oip/json-data.js";
import { inferenceResponseSchema, type OipParameters } from "../../oip/wire-schemas.js";
import { bytesOf, codecOf, fromNumbers, isRunnable, rawBytes, runnableTypeOfOrt } from "../tensor-codec.js";
import type { WireTensor } from "../worker-protocol.js";
import { BackendFailure } from "./backend-failure.js";
import type { OipAnswer } from "./oip-client.js";

/**
 * The body of an inference request to a backend, from validated tensors: raw bytes after the
 * JSON (the binary tensor extension) when the backend supports it, JSON `data` otherwise. Every
 * output is asked for, in binary when possible.
 */
export function encodeInferRequest(
  feeds: readonly WireTensor[],
  fetches: readonly string[],
  binary: boolean,
): { body: Uint8Array; headerLength: number | null } {
  const datatype = (tensor: WireTensor) => oipDatatype(typeOf(tensor));
  // No names: every output, which a request says by leaving `outputs` out.
  const named = fetches.map((name) => ({ name, ...(binary ? { parameters: { binary_data: true } } : {}) }));
  const outputs = named.length > 0 ? { outputs: named } : {};
  if (binary) {
    const inputs = feeds.map((tensor) => ({
      name: tensor.name,
      shape: tensor.dims,
      datatype: datatype(tensor),
      parameters: { binary_data_size: tensor.data.byteLength },
    }));
    const { body, headerLength } = joinBody(
      { inputs, ...outputs, parameters: { binary_data_output: true } },
      feeds.map((tensor) => rawBytes(tensor.data)),
    );
    return { body, headerLength };
  }
  const inputs = feeds.map((tensor) => {
    const data = jsonData(typeOf(tensor), tensor.data);
    if (!data) {
      throw new BackendFailure(
        "unsupported",
        `input ${tensor.name} holds values JSON cannot carry exactly, and it takes no binary tensors`,
      );
    }
    return { name: tensor.name, shape: tensor.dims, datatype: datatype(tensor), data };
  });
  return { body: new TextEncoder().encode(JSON.stringify({ inputs, ...outputs })), headerLength: null };
}

/**
 * The outputs of a backend's answer as tensors, checked as untrusted input: each asked-for output
 * present (all of them when none was named), of a type the gateway returns, and exactly as many
 * bytes or values as its shape.
 */
export function decodeInferAnswer(
  answer: OipAnswer,
  fetches: readonly string[],
): { outputs: WireTensor[]; parameters: OipParameters } {
  const headerLength = headerLengthOf(answer.headers.get("inference-header-content-length"));
  if (typeof headerLength === "string") throw new BackendFailure("bad-answer", headerLength);
  const parts = splitBody(answer.body, headerLength);
  if (typeof parts === "string") throw new BackendFailure("bad-answer", parts);
  let json: unknown;
  try {
    json = JSON.parse(parts.json);
  } catch {
    throw new BackendFailure("bad-answer", "its inference answer is not JSON");
  }
  const parsed = inferenceResponseSchema.safeParse(json);
  if (!parsed.success) throw new BackendFailure("bad-answer", "its inference answer is not the protocol's");
  const reader = new BinaryReader(parts.binary);
  const byName = new Map<string, WireTensor>();
  for (const output of parsed.data.outputs) {
    const bad = (why: string) => new BackendFailure("bad-answer", `its output ${output.name} ${why}`);
    const type = elementTypeOfOip(output.datatype);
    if (!isRunnable(type)) throw bad(`is ${output.datatype}, which the gateway cannot return`);
    const count = output.shape.reduce((product, dim) => product * dim, 1);
    const size = output.parameters?.binary_data_size;
    let data: WireTensor["data"] | null;
    if (size !== undefined) {
      const chunk = typeof size === "number" ? reader.take(size) : null;
      if (!chunk) throw bad("claims more binary data than the answer holds");
      data = bytesOf(type, chunk, count);
      if (!data) throw bad(`has ${chunk.byteLength} bytes; its shape takes ${tensorByteLength(type, output.shape)}`);
    } else {
      const values = flattenData(output.data, count);
      if (typeof values === "string") throw bad(`is malformed: ${values}`);
      data = fromNumbers(type, values);
    }
    byName.set(output.name, { name: output.name, type: codecOf(type).ort, dims: output.shape, data });
  }
  if (fetches.length === 0) return { outputs: [...byName.values()], parameters: parsed.data.parameters ?? {} };
  const outputs = fetches.map((name) => {
    const tensor = byName.get(name);
    if (!tensor) throw new BackendFailure("bad-answer", `its answer lacks the output ${name}`);
    return tensor;
  });
  return { outputs, parameters: parsed.data.parameters ?? {} };
}

function typeOf(tensor: WireTensor) {
  const type = runnableTypeOfOrt(tensor.type);
  if (!type)
    throw new BackendFailure("unsupported", `input ${tensor.name} is ${tensor.type}, which has no OIP datatype`);
  return type;
}
