import { GatewayError, InferenceFailed, InvalidInput } from "../domain/errors.js";
import {
  type RunnableElementType,
  runnableTypeOfOrt,
  type TensorData,
  toBase64,
  toNumbers,
} from "../inference/tensor-codec.js";
import type { WireTensor } from "../inference/worker-protocol.js";

/** How output values travel: JSON numbers, base64 text, or the typed arrays themselves (RAW, for the OIP binary path). */
export type TensorEncoding = "JSON" | "BASE64" | "RAW";

export interface OutputTensor {
  name: string;
  elementType: RunnableElementType;
  shape: number[];
  data: number[] | null;
  base64: string | null;
  /** The values as they came from the run, with RAW encoding. */
  raw: TensorData | null;
}

/**
 * A run's outputs in the encoding asked for, once their size is known to be within
 * INFERENCE_MAX_OUTPUT_BYTES (wherever they were computed: a local worker or a remote backend).
 */
export function encodeOutputs(
  tensors: readonly WireTensor[],
  encoding: TensorEncoding,
  maxOutputBytes: number,
  ref: string,
): OutputTensor[] {
  const outputBytes = tensors.reduce((sum, tensor) => sum + tensor.data.byteLength, 0);
  if (outputBytes > maxOutputBytes) {
    throw new GatewayError(
      "OUTPUT_TOO_LARGE",
      `The outputs hold ${outputBytes} bytes, more than INFERENCE_MAX_OUTPUT_BYTES (${maxOutputBytes}); ask for fewer outputs or send a smaller input.`,
      { ref, field: "outputs" },
    );
  }
  return tensors.map((tensor) => encodeOutput(tensor, encoding));
}

function encodeOutput(tensor: WireTensor, encoding: TensorEncoding): OutputTensor {
  const elementType = runnableTypeOfOrt(tensor.type);
  if (!elementType)
    throw new InferenceFailed(`Output ${tensor.name} came back as ${tensor.type}, which the gateway cannot return.`);
  const base = { name: tensor.name, elementType, shape: tensor.dims, data: null, base64: null, raw: null };
  if (encoding === "RAW") return { ...base, raw: tensor.data };
  if (encoding === "BASE64") return { ...base, base64: toBase64(tensor.data) };
  const data = toNumbers(elementType, tensor.data);
  if (!data) {
    throw new InvalidInput(
      `Output ${tensor.name} holds values JSON numbers cannot carry exactly (NaN, ±Infinity, or 64-bit integers beyond ±2^53); ask for outputEncoding: BASE64.`,
      { field: "outputEncoding" },
    );
  }
  return { ...base, data };
}
