import { UsageError } from "../exit.js";
import { type ElementType, elementCount, type TensorValues } from "./tensor-input.js";

const ELEMENT_TYPES: readonly ElementType[] = [
  "FLOAT32",
  "FLOAT16",
  "FLOAT64",
  "INT64",
  "INT32",
  "INT16",
  "INT8",
  "UINT64",
  "UINT32",
  "UINT16",
  "UINT8",
  "BOOL",
];

/**
 * Reads a tensor written as JSON: `{"shape": [1, 4], "data": [...]}` (row-major values, with an
 * optional "elementType"), nested arrays whose shape is inferred (`[[5.1, 3.5, 1.4, 0.2]]`), or a
 * single number. Booleans count as 0 and 1. The element type, when the file does not give it,
 * is left to the caller (the model's own input type).
 */
export function readJsonTensor(text: string, source: string): TensorValues {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return explicitTensor(value, source);
  const shape = inferShape(value, source);
  return { elementType: null, shape, data: flatten(value, source) };
}

function explicitTensor(value: object, source: string): TensorValues {
  const { shape, data, elementType } = value as { shape?: unknown; data?: unknown; elementType?: unknown };
  if (!Array.isArray(shape) || !shape.every((dim) => Number.isInteger(dim) && dim >= 0)) {
    throw new UsageError(`${source}: "shape" must be a list of whole numbers, e.g. [1, 4].`);
  }
  const values = flatten(data, source);
  if (values.length !== elementCount(shape)) {
    throw new UsageError(
      `${source}: shape [${shape.join(", ")}] holds ${elementCount(shape)} values; "data" has ${values.length}.`,
    );
  }
  let type: ElementType | null = null;
  if (elementType !== undefined) {
    type = ELEMENT_TYPES.find((known) => known === String(elementType).toUpperCase()) ?? null;
    if (!type) throw new UsageError(`${source}: "elementType" must be one of ${ELEMENT_TYPES.join(", ")}.`);
  }
  return { elementType: type, shape, data: values };
}

/** The shape of nested arrays, which must be rectangular: [[1, 2], [3, 4]] is [2, 2]. */
function inferShape(value: unknown, source: string): number[] {
  if (!Array.isArray(value)) return [];
  const inner = value.map((item) => inferShape(item, source));
  const first = inner[0] ?? [];
  if (inner.some((dims) => dims.join(",") !== first.join(","))) {
    throw new UsageError(`${source}: nested arrays must be rectangular (every row of one length).`);
  }
  return [value.length, ...first];
}

/** Row-major values of nested arrays (or of a flat "data" list), numbers and booleans only. */
function flatten(value: unknown, source: string): number[] {
  if (Array.isArray(value)) return value.flatMap((item) => flatten(item, source));
  if (typeof value === "boolean") return [value ? 1 : 0];
  if (typeof value === "number") return [value];
  throw new UsageError(`${source}: tensor values must be numbers (or booleans), found ${JSON.stringify(value)}.`);
}
