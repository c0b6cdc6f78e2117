import { GatewayError, InvalidInput } from "../domain/errors.js";
import type { Dimension, ElementType, TensorSpec } from "../domain/tensors.js";
import {
  bytesOf,
  codecOf,
  firstInvalid,
  fromBase64,
  fromNumbers,
  isRunnable,
  RUNNABLE_ELEMENT_TYPES,
  type RunnableElementType,
} from "./tensor-codec.js";
import type { Signature, WireTensor } from "./worker-protocol.js";

/**
 * One input tensor as a client sends it: numbers in `data`, raw little-endian bytes in `base64`,
 * or bytes already decoded (`raw`: the Open Inference Protocol's binary extension), which run as
 * they are, without a copy, and are handed to the session's worker (the caller's view detaches).
 */
export interface TensorInput {
  name: string;
  elementType: ElementType;
  shape: number[];
  data?: number[] | null;
  base64?: string | null;
  raw?: Uint8Array | null;
}

/**
 * Checks the inputs against the model's signature before anything runs, and turns them into
 * tensors. Every failure is BAD_USER_INPUT naming the input and what the model expects.
 */
export function validateInputs(inputs: readonly TensorInput[], signature: Signature, maxBytes: number): WireTensor[] {
  checkNames(inputs, signature.inputs);
  const specs = new Map(signature.inputs.map((spec) => [spec.name, spec]));
  const symbols = new Map<string, { size: number; input: string }>();
  let total = 0;
  const checked = inputs.map((input, index) => {
    const spec = specs.get(input.name) as TensorSpec;
    const field = `inputs[${index}]`;
    const type = checkType(input, spec, field);
    checkShape(input, spec, symbols, field);
    const count = input.shape.reduce((product, size) => product * size, 1);
    total += count * codecOf(type).bytes;
    if (total > maxBytes) {
      throw new GatewayError(
        "PAYLOAD_TOO_LARGE",
        `The inputs need more than ${maxBytes} bytes (INFERENCE_MAX_BYTES) once input ${input.name} is counted.`,
        { field },
      );
    }
    return { input, type, count, field };
  });
  return checked.map(({ input, type, count, field }) => ({
    name: input.name,
    type: codecOf(type).ort,
    dims: input.shape,
    data: decode(input, type, count, field),
  }));
}

/** The outputs to return: the named ones (checked), or all of them. */
export function selectOutputs(names: readonly string[] | null | undefined, signature: Signature): string[] {
  const known = signature.outputs.map((spec) => spec.name);
  if (names?.length === 0) {
    throw new InvalidInput("outputs must name at least one output, or be left out for all.", { field: "outputs" });
  }
  const unknown = (names ?? []).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInput(
      `The model has no output ${quoteAll(unknown)}; its outputs are ${describeAll(signature.outputs)}.`,
      {
        field: "outputs",
      },
    );
  }
  const chosen = names ? [...new Set(names)] : known;
  const unreturnable = signature.outputs.find((spec) => chosen.includes(spec.name) && !isRunnable(spec.elementType));
  if (unreturnable) {
    throw new InvalidInput(
      `Output ${unreturnable.name} is ${describe(unreturnable)}, which the gateway cannot return; name the others in outputs.`,
      { field: "outputs" },
    );
  }
  return chosen;
}

function checkNames(inputs: readonly TensorInput[], specs: readonly TensorSpec[]): void {
  const names = inputs.map((input) => input.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new InvalidInput(`Input "${duplicate}" is given twice.`, { field: "inputs" });
  const known = specs.map((spec) => spec.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InvalidInput(`The model has no input ${quoteAll(unknown)}; its inputs are ${describeAll(specs)}.`, {
      field: "inputs",
    });
  }
  const missing = specs.filter((spec) => !names.includes(spec.name));
  if (missing.length > 0) {
    throw new InvalidInput(`Missing input ${describeAll(missing)}; the model needs ${describeAll(specs)}.`, {
      field: "inputs",
    });
  }
}

function checkType(input: TensorInput, spec: TensorSpec, field: string): RunnableElementType {
  if (!isRunnable(spec.elementType)) {
    throw new InvalidInput(
      `Input ${input.name} of the model is ${spec.elementType ?? "not a tensor"}, which the gateway cannot feed; it runs ${RUNNABLE_ELEMENT_TYPES.join(", ")}.`,
      { field },
    );
  }
  if (input.elementType !== spec.elementType) {
    throw new InvalidInput(`Input ${input.name} must be ${describe(spec)}, not ${input.elementType}.`, {
      field: `${field}.elementType`,
    });
  }
  return spec.elementType;
}

function checkShape(
  input: TensorInput,
  spec: TensorSpec,
  symbols: Map<string, { size: number; input: string }>,
  field: string,
): void {
  const at = `${field}.shape`;
  const negative = input.shape.findIndex((size) => size < 0);
  if (negative >= 0)
    throw new InvalidInput(`Input ${input.name} has a negative size at dimension ${negative}.`, { field: at });
  if (!spec.shape) return;
  if (input.shape.length !== spec.shape.length) {
    throw new InvalidInput(
      `Input ${input.name} must have rank ${spec.shape.length} (${describe(spec)}), not ${input.shape.length} ([${input.shape.join(", ")}]).`,
      { field: at },
    );
  }
  spec.shape.forEach((expected, i) => {
    const size = input.shape[i] as number;
    if (typeof expected === "number" && size !== expected) {
      throw new InvalidInput(
        `Input ${input.name} must have size ${expected} at dimension ${i} (${describe(spec)}), not ${size}.`,
        { field: at },
      );
    }
    if (typeof expected === "string" && expected !== "?") {
      const seen = symbols.get(expected);
      if (seen && seen.size !== size) {
        throw new InvalidInput(
          `Dimension "${expected}" is ${seen.size} in input ${seen.input} but ${size} in input ${input.name}; it must be the same.`,
          { field: at },
        );
      }
      symbols.set(expected, { size, input: input.name });
    }
  });
}

function decode(input: TensorInput, type: RunnableElementType, count: number, field: string) {
  const forms = [input.data, input.base64, input.raw].filter((form) => form !== null && form !== undefined);
  if (forms.length !== 1) {
    throw new InvalidInput(`Input ${input.name} needs exactly one of data (numbers) or base64 (raw bytes).`, { field });
  }
  const shape = `[${input.shape.join(", ")}]`;
  if (input.raw) {
    const data = bytesOf(type, input.raw, count);
    if (!data) {
      throw new InvalidInput(
        `Input ${input.name} has ${input.raw.byteLength} bytes of binary data; shape ${shape} of ${type} takes ${count * codecOf(type).bytes}.`,
        { field },
      );
    }
    return data;
  }
  if (input.data) {
    if (input.data.length !== count) {
      throw new InvalidInput(`Input ${input.name} has ${input.data.length} values; shape ${shape} holds ${count}.`, {
        field: `${field}.data`,
      });
    }
    const bad = firstInvalid(type, input.data);
    if (bad >= 0) {
      throw new InvalidInput(
        `Input ${input.name} value ${input.data[bad]} at index ${bad} does not fit ${type}, which takes ${codecOf(type).accepts}.`,
        { field: `${field}.data` },
      );
    }
    return fromNumbers(type, input.data);
  }
  const bytes = count * codecOf(type).bytes;
  const data = fromBase64(type, input.base64 as string, bytes);
  if (!data) {
    throw new InvalidInput(
      `Input ${input.name} base64 must be padded base64 of exactly ${bytes} bytes (shape ${shape} of ${type}, little-endian); got ${input.base64?.length} characters.`,
      { field: `${field}.base64` },
    );
  }
  return data;
}

/** `FLOAT32 [batch, 4]`: what a model input takes. */
function describe(spec: TensorSpec): string {
  const shape = spec.shape ? `[${spec.shape.map(dimension).join(", ")}]` : "of any shape";
  return `${spec.elementType ?? "non-tensor"} ${shape}`;
}

const dimension = (dim: Dimension) => (typeof dim === "number" ? String(dim) : dim);
const describeAll = (specs: readonly TensorSpec[]) =>
  specs.map((spec) => `${spec.name} (${describe(spec)})`).join(", ");
const quoteAll = (names: readonly string[]) => names.map((name) => `"${name}"`).join(", ");
