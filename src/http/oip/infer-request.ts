import { GatewayError, InvalidInput } from "../../domain/errors.js";
import { codecOf, isRunnable, RUNNABLE_ELEMENT_TYPES } from "../../inference/tensor-codec.js";
import type { TensorInput } from "../../inference/validate-inputs.js";
import { BinaryReader, splitBody } from "../../oip/binary-body.js";
import { elementTypeOfOip, OIP_DATATYPES, oipDatatype } from "../../oip/datatypes.js";
import { flattenData } from "../../oip/json-data.js";
import { inferenceRequestSchema, type OipParameters } from "../../oip/wire-schemas.js";

/** An OIP inference request, decoded into what the inference service takes. */
export interface DecodedInferRequest {
  id: string | undefined;
  parameters: OipParameters;
  inputs: TensorInput[];
  /** The outputs asked for, or null for all. */
  outputs: string[] | null;
  /** Whether an output goes back as binary data (its own `binary_data`, else `binary_data_output`). */
  binaryOutput(name: string): boolean;
}

/**
 * Decodes a request body: the JSON object (all of the body, or its first `headerLength` bytes
 * with the binary tensor extension) and each input's values, from `data` (nested or flat lists)
 * or from the raw bytes its `binary_data_size` claims, in order. Binary values are not copied.
 * Tensor bytes are counted from the shapes against INFERENCE_MAX_BYTES before any list is walked.
 * Every mistake is BAD_USER_INPUT naming the input at fault.
 */
export function decodeInferRequest(
  body: Uint8Array,
  headerLength: number | null,
  maxInputBytes: number,
): DecodedInferRequest {
  const parts = splitBody(body, headerLength);
  if (typeof parts === "string") throw new InvalidInput(`${capitalised(parts)}.`);
  let json: unknown;
  try {
    json = JSON.parse(parts.json);
  } catch {
    throw new InvalidInput(
      headerLength === null
        ? "The body is not JSON; send an inference request object, or its JSON followed by binary tensors with Inference-Header-Content-Length."
        : `The first ${headerLength} bytes (Inference-Header-Content-Length) are not a JSON object.`,
    );
  }
  const parsed = inferenceRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the request";
    throw new InvalidInput(`The inference request is malformed: ${where} ${issue?.message ?? "is invalid"}.`, {
      field: issue?.path.join("."),
    });
  }
  const request = parsed.data;
  let total = 0;
  for (const [index, input] of request.inputs.entries()) {
    const type = elementTypeOfOip(input.datatype);
    const size = type && isRunnable(type) ? codecOf(type).bytes : 1;
    total += input.shape.reduce((product, dim) => product * dim, 1) * size;
    if (total > maxInputBytes) {
      throw new GatewayError(
        "PAYLOAD_TOO_LARGE",
        `The inputs need more than ${maxInputBytes} bytes (INFERENCE_MAX_BYTES) once input ${input.name} is counted.`,
        { field: `inputs.${index}` },
      );
    }
  }
  const reader = new BinaryReader(parts.binary);
  const inputs = request.inputs.map((input, index): TensorInput => {
    const field = `inputs.${index}`;
    const type = elementTypeOfOip(input.datatype);
    if (!type) {
      throw new InvalidInput(
        `Input ${input.name} has datatype ${input.datatype}; OIP's are ${OIP_DATATYPES.join(", ")}.`,
        {
          field: `${field}.datatype`,
        },
      );
    }
    if (!isRunnable(type)) {
      throw new InvalidInput(
        `Input ${input.name} is ${input.datatype}, which the gateway cannot feed; it runs ${RUNNABLE_ELEMENT_TYPES.map(oipDatatype).join(", ")}.`,
        { field: `${field}.datatype` },
      );
    }
    const base = { name: input.name, elementType: type, shape: input.shape };
    const size = input.parameters?.binary_data_size;
    if (size === undefined) {
      if (input.data === undefined) {
        throw new InvalidInput(`Input ${input.name} has neither data nor a binary_data_size parameter.`, { field });
      }
      const values = flattenData(
        input.data,
        input.shape.reduce((product, dim) => product * dim, 1),
      );
      if (typeof values === "string")
        throw new InvalidInput(`Input ${input.name}: ${values}.`, { field: `${field}.data` });
      return { ...base, data: values };
    }
    if (input.data !== undefined) {
      throw new InvalidInput(`Input ${input.name} has both data and binary_data_size; send one.`, { field });
    }
    if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
      throw new InvalidInput(`Input ${input.name}: binary_data_size must be a whole number of bytes.`, { field });
    }
    const raw = reader.take(size);
    if (!raw) {
      throw new InvalidInput(
        `Input ${input.name} claims ${size} bytes of binary data, but only ${reader.left} are left after the JSON${headerLength === null ? " (send Inference-Header-Content-Length with binary tensors)" : ""}.`,
        { field },
      );
    }
    return { ...base, raw };
  });
  if (reader.left > 0) {
    throw new InvalidInput(
      `The body holds ${reader.left} bytes after the tensors its binary_data_size parameters claim.`,
    );
  }
  const binaryAll = request.parameters?.binary_data_output === true;
  const perOutput = new Map((request.outputs ?? []).map((o) => [o.name, o.parameters?.binary_data]));
  return {
    id: request.id,
    parameters: request.parameters ?? {},
    inputs,
    outputs: request.outputs ? request.outputs.map((output) => output.name) : null,
    binaryOutput: (name) => {
      const own = perOutput.get(name);
      return typeof own === "boolean" ? own : binaryAll;
    },
  };
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
