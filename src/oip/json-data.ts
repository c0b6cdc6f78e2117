import { codecOf, type RunnableElementType, type TensorData, toNumbers } from "../inference/tensor-codec.js";

/** Nested lists deeper than this are refused rather than walked (no tensor has 64 dimensions). */
const MAX_DEPTH = 64;

/**
 * OIP tensor `data` in row-major order as numbers (booleans as 0 and 1): the protocol allows the
 * natural nested form (`[[1, 2], [4, 5]]`) and the flat one. Answers a reason instead when the
 * data is not a list of numbers and booleans, or does not hold exactly `count` of them; stops
 * walking as soon as it holds more, so an oversized list costs no more than the shape allows.
 */
export function flattenData(data: unknown, count: number): number[] | string {
  if (!Array.isArray(data)) return "data must be a list of values";
  const values: number[] = [];
  const stack: Array<{ list: unknown[]; index: number }> = [{ list: data, index: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as { list: unknown[]; index: number };
    if (frame.index === frame.list.length) {
      stack.pop();
      continue;
    }
    const value = frame.list[frame.index++];
    if (typeof value === "number") values.push(value);
    else if (typeof value === "boolean") values.push(value ? 1 : 0);
    else if (Array.isArray(value)) {
      if (stack.length >= MAX_DEPTH) return `data nests lists deeper than ${MAX_DEPTH}`;
      stack.push({ list: value, index: 0 });
    } else {
      return `data holds ${value === null ? "null" : typeof value === "string" ? "a string" : `a ${typeof value}`} at value ${values.length}; only numbers and booleans are accepted (BYTES tensors cannot be fed)`;
    }
    if (values.length > count) break;
  }
  if (values.length !== count) {
    const held = values.length > count ? `more than ${count}` : String(values.length);
    return `data holds ${held} values; the shape holds ${count}`;
  }
  return values;
}

/**
 * A tensor's values as OIP JSON `data` (flat): booleans for BOOL, numbers otherwise. Null when a
 * value has no exact JSON form (NaN, ±Infinity, 64-bit integers beyond ±2^53).
 */
export function jsonData(type: RunnableElementType, data: TensorData): Array<number | boolean> | null {
  if (type === "BOOL") return Array.from(data as Uint8Array, (value) => value !== 0);
  return toNumbers(type, data);
}

/** The bytes a shape of a type takes. */
export function tensorByteLength(type: RunnableElementType, shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1) * codecOf(type).bytes;
}
